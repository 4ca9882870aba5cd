/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What is in a container's cgroups and holding it still: the process list,
 * the freezer, warnings. Below create (cgroup.c), kill and the checks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgroup/internal.h"

void cg_warn(const struct isola_cgroup *cg, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!cg->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cg->warn(cg->warn_data, msg);
}

/* The hierarchy that freezes: v1's freezer, else v2's cgroup.freeze. */
static const struct cg_hier *freezer_hier(const struct isola_cgroup *cg)
{
	const struct cg_hier *h = NULL;
	for (size_t i = 0; i < cg->nh && !h; i++)
		if (cg->h[i].kind == CG_V1 && cg_has_controller(&cg->h[i], "freezer"))
			h = &cg->h[i];
	return h ? h : cg_find_kind(cg, CG_V2);
}

int isola_cgroup_freeze(const struct isola_cgroup *cg, bool freeze, struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : freezer_hier(cg);
	if (!h)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no freezer for this container");
	return cg_backend(h)->freeze(h, freeze, err);
}

int isola_cgroup_is_frozen(const struct isola_cgroup *cg, struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : freezer_hier(cg);
	if (!h)
		return 0;
	return cg_backend(h)->is_frozen(h, err);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/*
 * The union over every hierarchy, sorted and without duplicates: a process
 * moved into only one of them (by hand, or by a buggy tool) must still be
 * found by kill and destroy, or its cgroup could never be removed.
 */
int isola_cgroup_pids(const struct isola_cgroup *cg, pid_t **pids, size_t *n,
		      struct isola_error *err)
{
	size_t cap = 0, k = 0;
	*pids = NULL;
	*n = 0;
	for (size_t i = 0; i < cg->nh && !cg->disabled; i++) {
		if (!cg->h[i].dir || cg_read_pids(cg->h[i].dir, pids, n, &cap, err) == 0)
			continue;
		if (errno == ENOENT)
			continue; /* this hierarchy's directory is already gone */
		free(*pids);
		*pids = NULL;
		*n = 0;
		return -1;
	}
	if (*n == 0)
		return 0;
	qsort(*pids, *n, sizeof(**pids), cmp_pid);
	for (size_t i = 0; i < *n; i++)
		if (k == 0 || (*pids)[k - 1] != (*pids)[i])
			(*pids)[k++] = (*pids)[i];
	*n = k;
	return 0;
}
