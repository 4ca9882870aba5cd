/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linux.resources on cgroup v2: the spec speaks v1, so several values are
 * converted (shares -> cpu.weight, blkio weight -> io.weight, memory+swap ->
 * swap) as runc and crun do, and fields with no v2 meaning are warned about.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

#define MEM "linux.resources.memory"
#define CPU "linux.resources.cpu"
#define BLK "linux.resources.blockIO"

static void fmt_limit(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRId64, v);
}

static int v2_swap(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_memory *m = &a->r->memory;
	int64_t limit = m->limit.v, swap;
	char buf[32];
	if (!m->limit.set) {
		uint64_t cur = 0;
		cg_read_u64(h->dir, "memory.max", &cur);
		limit = cur == UINT64_MAX ? -1 : (int64_t)cur;
	}
	if (isola_swap_to_v2(m->swap.v, limit, &swap) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 MEM ".swap: %" PRId64
				     " must be -1 or at least the memory limit %" PRId64,
				 m->swap.v, limit);
	fmt_limit(buf, sizeof(buf), swap);
	return cg_set(h, "memory.swap.max", MEM ".swap", err, "%s", buf);
}

static void v2_memory_warnings(const struct cg_apply *a)
{
	const struct isola_res_memory *m = &a->r->memory;
	if (m->kernel.set)
		cg_warn(a->cg, MEM ".kernel: no kernel memory limit on cgroup v2, ignored");
	if (m->kernel_tcp.set)
		cg_warn(a->cg, MEM ".kernelTCP: no kernel TCP limit on cgroup v2, ignored");
	if (m->swappiness.set)
		cg_warn(a->cg, MEM ".swappiness: no per-cgroup swappiness on cgroup v2, ignored");
	if (m->disable_oom_killer.set && m->disable_oom_killer.v)
		cg_warn(a->cg, MEM ".disableOOMKiller: the OOM killer cannot be disabled on "
				   "cgroup v2, ignored");
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		cg_warn(a->cg, MEM ".useHierarchy: cgroup v2 is always hierarchical");
}

static int v2_memory(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_memory *m = &a->r->memory;
	char buf[32];
	if (m->check_before_update.v && m->limit.set && m->limit.v > 0) {
		uint64_t usage = 0;
		if (cg_read_u64(h->dir, "memory.current", &usage) == 0 &&
		    (uint64_t)m->limit.v < usage)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 MEM ".limit: %" PRId64
					     " is below the current usage %" PRIu64,
					 m->limit.v, usage);
	}
	if (m->limit.set) {
		fmt_limit(buf, sizeof(buf), m->limit.v);
		if (cg_set(h, "memory.max", MEM ".limit", err, "%s", buf) < 0)
			return -1;
	}
	if (m->swap.set && v2_swap(a, h, err) < 0)
		return -1;
	if (m->reservation.set) {
		fmt_limit(buf, sizeof(buf), m->reservation.v);
		if (cg_set(h, "memory.low", MEM ".reservation", err, "%s", buf) < 0)
			return -1;
	}
	v2_memory_warnings(a);
	return 0;
}

/* cpu.max is "QUOTA PERIOD": fill the half the spec left out from the current value. */
static int v2_cpu_max(const struct cg_hier *h, const struct isola_res_cpu *c,
		      struct isola_error *err)
{
	char quota[32] = "max";
	uint64_t period = 100000;
	cleanup_free char *cur = cg_read(h->dir, "cpu.max", NULL);
	if (cur) {
		sscanf(cur, "%31s %" SCNu64, quota, &period);
	}
	if (c->quota.set)
		fmt_limit(quota, sizeof(quota), c->quota.v <= 0 ? -1 : c->quota.v);
	if (c->period.set && c->period.v > 0)
		period = (uint64_t)c->period.v;
	return cg_set(h, "cpu.max", CPU ".quota", err, "%s %" PRIu64, quota, period);
}

static int v2_cpu(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_cpu *c = &a->r->cpu;
	if ((c->rt_runtime.set && c->rt_runtime.v) || (c->rt_period.set && c->rt_period.v))
		return cg_unsupported(err, CPU ".realtimeRuntime",
				      "no realtime groups on cgroup v2");
	if (c->shares.set && c->shares.v &&
	    cg_set(h, "cpu.weight", CPU ".shares", err, "%" PRIu64,
		   isola_cpu_shares_to_weight((uint64_t)c->shares.v)) < 0)
		return -1;
	if ((c->quota.set || c->period.set) && v2_cpu_max(h, c, err) < 0)
		return -1;
	if (c->burst.set &&
	    cg_set(h, "cpu.max.burst", CPU ".burst", err, "%" PRId64, c->burst.v) < 0)
		return -1;
	if (c->idle.set && cg_set(h, "cpu.idle", CPU ".idle", err, "%" PRId64, c->idle.v) < 0)
		return -1;
	return 0;
}

static int v2_throttles(const struct cg_hier *h, const struct isola_res_blkio *b,
			struct isola_error *err)
{
	static const char *const keys[ISOLA_THR_COUNT] = {"rbps", "wbps", "riops", "wiops"};
	for (int t = 0; t < ISOLA_THR_COUNT; t++)
		for (size_t i = 0; i < b->n_throttle[t]; i++) {
			const struct isola_res_throttle *d = &b->throttle[t][i];
			if (cg_set(h, "io.max", BLK ".throttle", err,
				   "%" PRId64 ":%" PRId64 " %s=%" PRIu64, d->major, d->minor,
				   keys[t], d->rate) < 0)
				return -1;
		}
	return 0;
}

/*
 * io.bfq.weight takes the blkio range [1, 1000] as is; io.weight (the
 * io.cost controller) wants [1, 10000]: convert only for the latter.
 */
static int v2_weights(const struct cg_hier *h, const struct isola_res_blkio *b,
		      struct isola_error *err)
{
	bool bfq = cg_file_exists(h->dir, "io.bfq.weight");
	const char *file = bfq ? "io.bfq.weight" : "io.weight";
#define W(x) (bfq ? (uint64_t)(x) : isola_blkio_weight_to_io((uint64_t)(x)))
	if (b->weight.set && b->weight.v &&
	    cg_set(h, file, BLK ".weight", err, "default %" PRIu64, W(b->weight.v)) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_devs; i++) {
		const struct isola_res_weight_dev *d = &b->weight_devs[i];
		if (d->weight.set &&
		    cg_set(h, file, BLK ".weightDevice", err, "%" PRId64 ":%" PRId64 " %" PRIu64,
			   d->major, d->minor, W(d->weight.v)) < 0)
			return -1;
	}
#undef W
	return 0;
}

static int v2_blkio(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_blkio *b = &a->r->blkio;
	bool leaf = b->leaf_weight.set;
	for (size_t i = 0; i < b->n_weight_devs; i++)
		leaf = leaf || b->weight_devs[i].leaf_weight.set;
	if (leaf)
		cg_warn(a->cg, BLK ".leafWeight: no leaf weights on cgroup v2, ignored");
	if (v2_weights(h, b, err) < 0)
		return -1;
	return v2_throttles(h, b, err);
}

const struct cg_ctrl_ops cg_ctrl_ops_v2 = {
    .name = "v2",
    .memory = v2_memory,
    .cpu = v2_cpu,
    .cpuset = cg_cpuset_any,
    .pids = cg_pids_any,
    .blkio = v2_blkio,
    .hugetlb = cg_hugetlb_v2,
    .rdma = cg_rdma_any,
};
