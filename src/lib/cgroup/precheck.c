/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checks create makes on a cgroup it is about to use: one that is frozen is
 * refused, one that already holds processes is a warning (both as runc).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

/* The first line of dir/file; NULL when the file does not exist (not an error). */
static char *read_line(const char *dir, const char *file, int *rc, struct isola_error *err)
{
	struct isola_error e = {0};
	char *s = cg_read_value(dir, file, &e);
	*rc = 0;
	if (!s) {
		if (e.errnum != ENOENT) {
			*err = e;
			*rc = -1;
		}
		return NULL;
	}
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* 1 when dir is frozen (or freezing), 0 when not or when it does not exist, -1 on error. */
static int frozen_at(const struct cg_hier *h, const char *dir, bool self, struct isola_error *err)
{
	int rc;
	if (h->kind == CG_V1) {
		cleanup_free char *st = read_line(dir, "freezer.state", &rc, err);
		return st ? strcmp(st, "THAWED") != 0 : rc;
	}
	/* cgroup.freeze is the cgroup's own request, cgroup.events what ancestors impose too. */
	if (self) {
		cleanup_free char *want = read_line(dir, "cgroup.freeze", &rc, err);
		if (!want)
			return rc;
		if (strcmp(want, "0") != 0)
			return 1;
	}
	uint64_t v = 0;
	return cg_read_keyed(dir, "cgroup.events", "frozen", &v) == 0 && v == 1;
}

/*
 * A process that joins a frozen cgroup stops at once, and create would wait
 * for its init forever: refuse before anything is made, so that the failed
 * create's clean-up can't touch a cgroup that existed before. The leaf is
 * checked; when it doesn't exist yet, its parent, since a new child of a
 * frozen cgroup is frozen too. nested says the parent is neither the
 * hierarchy's root nor the caller's own cgroup (neither can be frozen: we
 * run), so the usual create reads nothing but one missing file per hierarchy.
 */
int cg_check_not_frozen(const struct cg_hier *h, bool nested, struct isola_error *err)
{
	if (h->kind == CG_V1 && !cg_has_controller(h, "freezer"))
		return 0;
	const char *file = h->kind == CG_V1 ? "freezer.state" : "cgroup.freeze";
	int r = frozen_at(h, h->dir, true, err);
	const char *at = h->dir;
	cleanup_free char *parent = NULL;
	if (r == 0 && nested && !cg_file_exists(h->dir, file)) {
		parent = strdup(h->dir);
		if (!parent)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup");
		*strrchr(parent, '/') = '\0';
		r = frozen_at(h, parent, false, err);
		at = parent;
	}
	if (r > 0)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "container's cgroup \"%s\" is frozen: thaw it first", at);
	return r;
}

/* After create made or reused the leaves: processes already there are only a warning. */
void cg_warn_not_empty(const struct isola_cgroup *cg)
{
	bool reused = false;
	for (size_t i = 0; i < cg->nh; i++)
		reused = reused || cg->h[i].reused;
	if (!reused || !cg->warn)
		return;
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	struct isola_error e;
	if (isola_cgroup_pids(cg, &pids, &n, &e) == 0 && n > 0)
		cg_warn(cg, "container's cgroup is not empty: %zu process(es) found", n);
}
