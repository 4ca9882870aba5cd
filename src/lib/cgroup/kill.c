/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Signalling every process of a container, and removing its cgroups. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

static int signal_listed(const struct isola_cgroup *cg, int sig, struct isola_error *err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	if (isola_cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (kill(pids[i], sig) < 0 && errno != ESRCH)
			return isola_err_sys(err, "kill %d", (int)pids[i]);
	return 0;
}

/*
 * Freeze first so nothing forks between reading cgroup.procs and the kill.
 * v1 frozen tasks don't act on SIGKILL until thawed, so SIGKILL always thaws;
 * other signals leave a container that was paused before paused.
 */
int isola_cgroup_kill(const struct isola_cgroup *cg, int sig, struct isola_error *err)
{
	const struct cg_hier *v2 = cg_find_kind(cg, CG_V2);
	struct isola_error ignored;
	bool was_frozen, froze = false;
	if (cg->disabled)
		return 0;
	if (sig == SIGKILL && v2 && cg_file_exists(v2->dir, "cgroup.kill")) {
		if (cg_write(v2->dir, "cgroup.kill", "1", err) < 0)
			return -1;
		if (cg->layout == CG_LAYOUT_V2)
			return 0;
	}
	was_frozen = isola_cgroup_is_frozen(cg, &ignored) == 1;
	if (!was_frozen)
		froze = isola_cgroup_freeze(cg, true, &ignored) == 0;
	int r = signal_listed(cg, sig, err);
	if (froze || (was_frozen && sig == SIGKILL))
		isola_cgroup_freeze(cg, false, &ignored);
	return r;
}

static bool all_empty(const struct isola_cgroup *cg)
{
	for (size_t i = 0; i < cg->nh; i++) {
		cleanup_free pid_t *pids = NULL;
		size_t n = 0, cap = 0;
		if (!cg->h[i].dir)
			continue;
		if (cg_read_pids(cg->h[i].dir, &pids, &n, &cap, NULL) < 0)
			continue; /* gone already */
		if (n > 0)
			return false;
	}
	return true;
}

/* rmdir the parents we created above the leaf d (d is cut in place). */
static int remove_parents(char *d, int created)
{
	for (int i = 1; i < created; i++) {
		*strrchr(d, '/') = '\0';
		/* a sibling container may share the parent: leave it then */
		if (rmdir(d) < 0 && errno != ENOTEMPTY && errno != EBUSY && errno != ENOENT)
			return -1;
	}
	return 0;
}

/* rmdir the leaf (with anything nested in it), then the parents we created. */
int cg_remove_dirs(const struct cg_hier *h)
{
	if (h->created == 0 || !h->dir)
		return 0;
	cleanup_free char *d = strdup(h->dir);
	if (!d)
		return -1;
	if (cg_rmdir_tree(d) < 0)
		return -1;
	return remove_parents(d, h->created);
}

/*
 * The common case: the container has exited and each leaf is empty. rmdir
 * refuses (EBUSY) a cgroup that still has tasks or children, so trying it
 * first is safe, and it saves reading cgroup.procs and listing each leaf
 * twice (about 13 syscalls per hierarchy). The first refusal hands over to
 * the careful path; what was removed already reads as gone there.
 */
static bool remove_fast(const struct isola_cgroup *cg)
{
	for (size_t k = 0; k < cg->nh; k++) {
		const struct cg_hier *h = &cg->h[k];
		if (h->created == 0 || !h->dir)
			continue;
		if (rmdir(h->dir) < 0 && errno != ENOENT)
			return false;
		cleanup_free char *d = strdup(h->dir);
		if (!d || remove_parents(d, h->created) < 0)
			return false;
	}
	return true;
}

/*
 * Processes leave cgroup.procs a moment after they die (and zombies only when
 * reaped), and rmdir says EBUSY until then: retry with 1-10 ms sleeps, ~5 s in all.
 */
int isola_cgroup_destroy(struct isola_cgroup *cg, struct isola_error *err)
{
	struct isola_error ignored;
	long waited = 0;
	if (cg->disabled || remove_fast(cg))
		return 0;
	for (int i = 0; waited < 5000; i++) {
		if (!all_empty(cg)) {
			isola_cgroup_kill(cg, SIGKILL, &ignored);
			waited += cg_backoff(i);
			continue;
		}
		size_t failed = 0;
		for (size_t k = 0; k < cg->nh; k++)
			if (cg_remove_dirs(&cg->h[k]) < 0)
				failed++;
		if (failed == 0)
			return 0;
		waited += cg_backoff(i);
	}
	for (size_t k = 0; k < cg->nh; k++)
		if (cg_remove_dirs(&cg->h[k]) < 0)
			return isola_err_sys(err, "remove cgroup \"%s\" (still busy after 5 s)",
					     cg->h[k].dir);
	return 0;
}
