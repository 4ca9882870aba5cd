/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources on cgroup v1: the spec's fields map to v1 files one to one. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

#define MEM "linux.resources.memory"
#define CPU "linux.resources.cpu"
#define BLK "linux.resources.blockIO"

static int check_usage(const struct cg_hier *h, const char *file, int64_t limit,
		       struct isola_error *err)
{
	uint64_t usage = 0;
	if (limit <= 0 || cg_read_u64(h->dir, file, &usage) < 0)
		return 0;
	if ((uint64_t)limit < usage)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 MEM ".limit: %" PRId64 " is below the current usage %" PRIu64,
				 limit, usage);
	return 0;
}

/*
 * The kernel keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at all
 * times: raising both needs memsw first, lowering both needs the limit first.
 * Try the usual order and, on EINVAL, the other one.
 */
static int v1_limit_swap(const struct cg_hier *h, const struct isola_res_memory *m,
			 struct isola_error *err)
{
	if (m->swap.set && !cg_file_exists(h->dir, "memory.memsw.limit_in_bytes"))
		return cg_unsupported(err, MEM ".swap", "no swap accounting (swapaccount=0)");
	if (!m->swap.set)
		return m->limit.set ? cg_set(h, "memory.limit_in_bytes", MEM ".limit", err,
					     "%" PRId64, m->limit.v)
				    : 0;
	if (m->limit.set &&
	    cg_set(h, "memory.limit_in_bytes", MEM ".limit", err, "%" PRId64, m->limit.v) < 0) {
		if (err->errnum != EINVAL)
			return -1;
		if (cg_set(h, "memory.memsw.limit_in_bytes", MEM ".swap", err, "%" PRId64,
			   m->swap.v) < 0)
			return -1;
		return cg_set(h, "memory.limit_in_bytes", MEM ".limit", err, "%" PRId64,
			      m->limit.v);
	}
	return cg_set(h, "memory.memsw.limit_in_bytes", MEM ".swap", err, "%" PRId64, m->swap.v);
}

static int v1_memory(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_memory *m = &a->r->memory;
	if (m->check_before_update.v && m->limit.set &&
	    check_usage(h, "memory.usage_in_bytes", m->limit.v, err) < 0)
		return -1;
	if (v1_limit_swap(h, m, err) < 0)
		return -1;
	if (m->reservation.set && cg_set(h, "memory.soft_limit_in_bytes", MEM ".reservation", err,
					 "%" PRId64, m->reservation.v) < 0)
		return -1;
	/*
	 * Linux stopped enforcing memory.kmem.limit_in_bytes (5.16: deprecated,
	 * 6.1: writes accepted and ignored): writing it would be a silent no-op.
	 */
	if (m->kernel.set)
		cg_warn(a->cg,
			MEM ".kernel: kernel memory limits are not enforced by Linux, ignored");
	if (m->kernel_tcp.set && cg_set(h, "memory.kmem.tcp.limit_in_bytes", MEM ".kernelTCP", err,
					"%" PRId64, m->kernel_tcp.v) < 0)
		return -1;
	if (m->swappiness.set &&
	    cg_set(h, "memory.swappiness", MEM ".swappiness", err, "%" PRId64, m->swappiness.v) < 0)
		return -1;
	if (m->disable_oom_killer.set && cg_set(h, "memory.oom_control", MEM ".disableOOMKiller",
						err, "%d", m->disable_oom_killer.v ? 1 : 0) < 0)
		return -1;
	/* hierarchy is always on since Linux 5.x; only asking for it off is news */
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		cg_warn(a->cg, MEM ".useHierarchy: memory accounting is always hierarchical");
	return 0;
}

static int v1_cfs(const struct cg_hier *h, const struct isola_res_cpu *c, struct isola_error *err)
{
	/* the period bounds the quota: a failing period may just need the quota first */
	if (c->period.set &&
	    cg_set(h, "cpu.cfs_period_us", CPU ".period", err, "%" PRId64, c->period.v) < 0) {
		if (!c->quota.set || err->errnum != EINVAL)
			return -1;
		if (cg_set(h, "cpu.cfs_quota_us", CPU ".quota", err, "%" PRId64, c->quota.v) < 0)
			return -1;
		return cg_set(h, "cpu.cfs_period_us", CPU ".period", err, "%" PRId64, c->period.v);
	}
	if (c->quota.set &&
	    cg_set(h, "cpu.cfs_quota_us", CPU ".quota", err, "%" PRId64, c->quota.v) < 0)
		return -1;
	if (c->burst.set &&
	    cg_set(h, "cpu.cfs_burst_us", CPU ".burst", err, "%" PRId64, c->burst.v) < 0)
		return -1;
	return 0;
}

static int v1_cpu(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_cpu *c = &a->r->cpu;
	if (c->shares.set && c->shares.v &&
	    cg_set(h, "cpu.shares", CPU ".shares", err, "%" PRId64, c->shares.v) < 0)
		return -1;
	if (v1_cfs(h, c, err) < 0)
		return -1;
	/* rt_runtime must fit the period: set the period first */
	if (c->rt_period.set && cg_set(h, "cpu.rt_period_us", CPU ".realtimePeriod", err,
				       "%" PRId64, c->rt_period.v) < 0)
		return -1;
	if (c->rt_runtime.set && cg_set(h, "cpu.rt_runtime_us", CPU ".realtimeRuntime", err,
					"%" PRId64, c->rt_runtime.v) < 0)
		return -1;
	if (c->idle.set && cg_set(h, "cpu.idle", CPU ".idle", err, "%" PRId64, c->idle.v) < 0)
		return -1;
	return 0;
}

int cg_cpuset_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_cpu *c = &a->r->cpu;
	if (c->cpus && cg_set(h, "cpuset.cpus", CPU ".cpus", err, "%s", c->cpus) < 0)
		return -1;
	if (c->mems && cg_set(h, "cpuset.mems", CPU ".mems", err, "%s", c->mems) < 0)
		return -1;
	return 0;
}

/* pids.limit: 0 and negative mean no limit, as runc reads them */
int cg_pids_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	int64_t l = a->r->pids_limit.v;
	if (l <= 0)
		return cg_set(h, "pids.max", "linux.resources.pids.limit", err, "max");
	return cg_set(h, "pids.max", "linux.resources.pids.limit", err, "%" PRId64, l);
}

static int v1_throttles(const struct cg_hier *h, const struct isola_res_blkio *b,
			struct isola_error *err)
{
	static const char *const files[ISOLA_THR_COUNT] = {
	    "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
	    "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
	for (int t = 0; t < ISOLA_THR_COUNT; t++)
		for (size_t i = 0; i < b->n_throttle[t]; i++) {
			const struct isola_res_throttle *d = &b->throttle[t][i];
			if (cg_set(h, files[t], BLK ".throttle", err,
				   "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
				   d->rate) < 0)
				return -1;
		}
	return 0;
}

static int v1_blkio(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	const struct isola_res_blkio *b = &a->r->blkio;
	/* with CFQ gone, BFQ's files carry the weights */
	const char *wf =
	    cg_file_exists(h->dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
	const char *wdf = cg_file_exists(h->dir, "blkio.weight_device") ? "blkio.weight_device"
									: "blkio.bfq.weight_device";
	if (b->weight.set && cg_set(h, wf, BLK ".weight", err, "%" PRId64, b->weight.v) < 0)
		return -1;
	if (b->leaf_weight.set && cg_set(h, "blkio.leaf_weight", BLK ".leafWeight", err, "%" PRId64,
					 b->leaf_weight.v) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_devs; i++) {
		const struct isola_res_weight_dev *d = &b->weight_devs[i];
		if (d->weight.set &&
		    cg_set(h, wdf, BLK ".weightDevice", err, "%" PRId64 ":%" PRId64 " %" PRId64,
			   d->major, d->minor, d->weight.v) < 0)
			return -1;
		if (d->leaf_weight.set && cg_set(h, "blkio.leaf_weight_device", BLK ".weightDevice",
						 err, "%" PRId64 ":%" PRId64 " %" PRId64, d->major,
						 d->minor, d->leaf_weight.v) < 0)
			return -1;
	}
	return v1_throttles(h, b, err);
}

static int hugetlb_common(const struct cg_apply *a, const struct cg_hier *h, const char *suffix,
			  struct isola_error *err)
{
	char file[128], field[128];
	for (size_t i = 0; i < a->r->n_hugepages; i++) {
		const struct isola_res_hugepage *p = &a->r->hugepages[i];
		snprintf(file, sizeof(file), "hugetlb.%s.%s", p->page_size, suffix);
		snprintf(field, sizeof(field), "linux.resources.hugepageLimits[%zu]", i);
		if (cg_set(h, file, field, err, "%" PRIu64, p->limit) < 0)
			return -1;
	}
	return 0;
}

static int v1_hugetlb(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	return hugetlb_common(a, h, "limit_in_bytes", err);
}

int cg_hugetlb_v2(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	return hugetlb_common(a, h, "max", err);
}

static int v1_net_cls(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	return cg_set(h, "net_cls.classid", "linux.resources.network.classID", err, "%" PRId64,
		      a->r->class_id.v);
}

static int v1_net_prio(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	for (size_t i = 0; i < a->r->n_priorities; i++)
		if (cg_set(h, "net_prio.ifpriomap", "linux.resources.network.priorities", err,
			   "%s %u", a->r->priorities[i].name, a->r->priorities[i].priority) < 0)
			return -1;
	return 0;
}

/* rdma.max has the same format on v1 and v2 */
int cg_rdma_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	char hh[32] = "max", ho[32] = "max";
	for (size_t i = 0; i < a->r->n_rdma; i++) {
		const struct isola_res_rdma *d = &a->r->rdma[i];
		if (d->hca_handles.set)
			snprintf(hh, sizeof(hh), "%" PRId64, d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(ho, sizeof(ho), "%" PRId64, d->hca_objects.v);
		if (cg_set(h, "rdma.max", "linux.resources.rdma", err,
			   "%s hca_handle=%s hca_object=%s", d->device, hh, ho) < 0)
			return -1;
	}
	return 0;
}

const struct cg_ctrl_ops cg_ctrl_ops_v1 = {
    .name = "v1",
    .memory = v1_memory,
    .cpu = v1_cpu,
    .cpuset = cg_cpuset_any,
    .pids = cg_pids_any,
    .blkio = v1_blkio,
    .hugetlb = v1_hugetlb,
    .net_cls = v1_net_cls,
    .net_prio = v1_net_prio,
    .rdma = cg_rdma_any,
};
