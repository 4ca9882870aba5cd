/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writing linux.resources: each section goes to the hierarchy that holds its
 * controller (so hybrid needs nothing special), through that hierarchy's
 * table of per-controller writers (apply-v1.c, apply-v2.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

int cg_unsupported(struct isola_error *err, const char *field, const char *why)
{
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "%s: not supported on this host: %s", field,
			 why);
}

int cg_set(const struct cg_hier *h, const char *file, const char *field, struct isola_error *err,
	   const char *fmt, ...)
{
	cleanup_free char *val = NULL;
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", field);
	if (cg_write(h->dir, file, val, err) == 0)
		return 0;
	if (err && err->errnum == ENOENT) {
		snprintf(why, sizeof(why), "no \"%s\" in \"%s\"", file, h->dir);
		return cg_unsupported(err, field, why);
	}
	return isola_err_prefix(err, "%s", field);
}

static const struct cg_ctrl_ops *ops_of(const struct cg_hier *h)
{
	return h->kind == CG_V2 ? &cg_ctrl_ops_v2 : &cg_ctrl_ops_v1;
}

static bool cpu_sched_set(const struct isola_res_cpu *c)
{
	return c->shares.set || c->quota.set || c->period.set || c->burst.set ||
	       c->rt_runtime.set || c->rt_period.set || c->idle.set;
}

typedef int (*ctrl_fn)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);

/* Find the controller (v1 name, then v2 name) and call the writer of its kind. */
static int section(const struct cg_apply *a, const char *field, const char *v1name,
		   const char *v2name, size_t op_off, struct isola_error *err)
{
	const struct cg_hier *h = cg_find(a->cg, v1name);
	if (!h && v2name)
		h = cg_find(a->cg, v2name);
	if (!h) {
		char why[128];
		snprintf(why, sizeof(why), "no %s controller for this container",
			 v2name ? v2name : v1name);
		return cg_unsupported(err, field, why);
	}
	ctrl_fn fn = *(const ctrl_fn *)((const char *)ops_of(h) + op_off);
	if (!fn) {
		char why[128];
		snprintf(why, sizeof(why), "no equivalent on cgroup %s", ops_of(h)->name);
		return cg_unsupported(err, field, why);
	}
	return fn(a, h, err);
}

#define OP(f) offsetof(struct cg_ctrl_ops, f)

static int apply_sections(const struct cg_apply *a, struct isola_error *err)
{
	const struct isola_resources *r = a->r;
	if (r->has_memory && section(a, "linux.resources.memory", "memory", NULL, OP(memory), err))
		return -1;
	if (r->has_cpu && cpu_sched_set(&r->cpu) &&
	    section(a, "linux.resources.cpu", "cpu", NULL, OP(cpu), err))
		return -1;
	if (r->has_cpu && (r->cpu.cpus || r->cpu.mems) &&
	    section(a, "linux.resources.cpu.cpus", "cpuset", NULL, OP(cpuset), err))
		return -1;
	if (r->pids_limit.set && section(a, "linux.resources.pids", "pids", NULL, OP(pids), err))
		return -1;
	if (r->has_blkio && section(a, "linux.resources.blockIO", "blkio", "io", OP(blkio), err))
		return -1;
	if (r->n_hugepages &&
	    section(a, "linux.resources.hugepageLimits", "hugetlb", NULL, OP(hugetlb), err))
		return -1;
	if (r->class_id.set &&
	    section(a, "linux.resources.network.classID", "net_cls", NULL, OP(net_cls), err))
		return -1;
	if (r->n_priorities &&
	    section(a, "linux.resources.network.priorities", "net_prio", NULL, OP(net_prio), err))
		return -1;
	if (r->n_rdma && section(a, "linux.resources.rdma", "rdma", NULL, OP(rdma), err))
		return -1;
	return 0;
}

static int apply_unified(const struct cg_apply *a, struct isola_error *err)
{
	const struct cg_hier *h = cg_find_kind(a->cg, CG_V2);
	char field[512];
	if (!h)
		return cg_unsupported(err, "linux.resources.unified", "no cgroup v2 hierarchy");
	for (size_t i = 0; i < a->r->n_unified; i++) {
		const struct isola_res_pair *p = &a->r->unified[i];
		snprintf(field, sizeof(field), "linux.resources.unified.%s", p->key);
		if (cg_set(h, p->key, field, err, "%s", p->value) < 0)
			return -1;
	}
	return 0;
}

static int apply_devices(const struct cg_apply *a, struct isola_error *err)
{
	const struct cg_hier *h = cg_find(a->cg, "devices");
	if (h)
		return cg_devices_v1(a, h, err);
	h = cg_find_kind(a->cg, CG_V2);
	if (!h)
		return cg_unsupported(err, "linux.resources.devices", "no devices controller");
	return cg_devices_v2(a, h, err);
}

int cg_apply(const struct isola_cgroup *cg, const struct isola_resources *r,
	     struct isola_error *err)
{
	struct cg_apply a = {.cg = cg, .r = r};
	/*
	 * Checked before anything is written: unified keys are cgroup v2 files,
	 * meaningless on a host without v2 (runc's words, so tools match them).
	 */
	if (r->n_unified && !cg_find_kind(cg, CG_V2))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid configuration: linux.resources.unified: cannot use "
				 "unified on cgroup v1");
	if (apply_sections(&a, err) < 0)
		return -1;
	if (r->n_unified && apply_unified(&a, err) < 0)
		return -1;
	if (r->has_devices && apply_devices(&a, err) < 0)
		return -1;
	return 0;
}
