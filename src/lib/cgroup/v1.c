/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1 backend: per-level setup, freezer, OOM notification. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

/*
 * The values the last level got: the level below it copies them again, so
 * each level costs one write per file instead of three reads and a write.
 */
static struct {
	char dir[4096];
	char val[2][4096];
} cpuset_last;

static char *parent_value(const char *parent, int i, struct isola_error *err)
{
	if (cpuset_last.dir[0] && strcmp(cpuset_last.dir, parent) == 0)
		return strdup(cpuset_last.val[i]);
	return cg_read_value(parent, i ? "cpuset.mems" : "cpuset.cpus", err);
}

/*
 * A new cpuset cgroup starts with empty cpus and mems, and the kernel refuses
 * to attach a task to it (ENOSPC): copy the parent's at every level we make.
 * A level that already existed keeps its own values unless they are empty.
 */
static int v1_prepare_level(const struct cg_hier *h, const char *dir, struct isola_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	if (!strstr(h->controllers, "cpuset"))
		return 0;
	cleanup_free char *parent = strdup(dir);
	if (!parent)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cpuset");
	*strrchr(parent, '/') = '\0';
	bool copied[2] = {false, false};
	char *vals[2] = {NULL, NULL};
	int r = 0;
	for (int i = 0; i < 2 && r == 0; i++) {
		/* make_dirs counts a level in h->created before preparing it */
		if (h->created == 0) {
			cleanup_free char *cur = cg_read_value(dir, files[i], err);
			if (!cur) {
				r = -1;
				break;
			}
			if (cur[0] != '\n' && cur[0] != '\0')
				continue;
		}
		vals[i] = parent_value(parent, i, err);
		r = !vals[i] || cg_write(dir, files[i], vals[i], err) < 0 ? -1 : 0;
		copied[i] = r == 0;
	}
	cpuset_last.dir[0] = '\0';
	if (copied[0] && copied[1] && strlen(dir) < sizeof(cpuset_last.dir) &&
	    strlen(vals[0]) < sizeof(cpuset_last.val[0]) &&
	    strlen(vals[1]) < sizeof(cpuset_last.val[1])) {
		strcpy(cpuset_last.dir, dir);
		strcpy(cpuset_last.val[0], vals[0]);
		strcpy(cpuset_last.val[1], vals[1]);
	}
	free(vals[0]);
	free(vals[1]);
	return r;
}

static int v1_state(const struct cg_hier *h, char *buf, size_t len, struct isola_error *err)
{
	cleanup_free char *s = cg_read(h->dir, "freezer.state", err);
	if (!s)
		return -1;
	s[strcspn(s, "\n")] = '\0';
	snprintf(buf, len, "%s", s);
	return 0;
}

static int v1_is_frozen(const struct cg_hier *h, struct isola_error *err)
{
	char st[32];
	if (v1_state(h, st, sizeof(st), err) < 0)
		return -1;
	return strcmp(st, "FROZEN") == 0;
}

/*
 * Writing FROZEN starts freezing; the state reads FREEZING until every task
 * stopped. A task in an uninterruptible sleep can keep it there: rewrite
 * FROZEN while waiting (as runc does) and give up, thawed, after ~5 s.
 */
static int v1_freeze(const struct cg_hier *h, bool freeze, struct isola_error *err)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	char st[32];
	long waited = 0;
	for (int i = 0; waited < 5000; i++) {
		if (cg_write(h->dir, "freezer.state", want, err) < 0)
			return -1;
		if (v1_state(h, st, sizeof(st), err) < 0)
			return -1;
		if (strcmp(st, want) == 0)
			return 0;
		waited += cg_backoff(i);
	}
	if (freeze)
		cg_write(h->dir, "freezer.state", "THAWED", NULL);
	return isola_err(err, ISOLA_ERR_BUSY, 0, "\"%s\" still %s after 5 s", h->dir, st);
}

/* The kernel signals an eventfd registered through cgroup.event_control on OOM. */
static int v1_oom_fd(const struct cg_hier *h, struct isola_error *err)
{
	cleanup_free char *p = cg_path_join(h->dir, "memory.oom_control");
	cleanup_close int ofd = -1, efd = -1;
	if (!p)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "oom");
	ofd = open(p, O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return isola_err_sys(err, "open \"%s\"", p);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return isola_err_sys(err, "eventfd");
	if (cg_writef(h->dir, "cgroup.event_control", err, "%d %d", efd, ofd) < 0)
		return -1;
	return steal_fd(efd);
}

static int v1_oom_count(const struct cg_hier *h, unsigned long *count, struct isola_error *err)
{
	uint64_t v = 0;
	if (cg_read_keyed(h->dir, "memory.oom_control", "oom_kill", &v) < 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no oom_kill in \"%s/%s\"", h->dir,
				 "memory.oom_control");
	*count = (unsigned long)v;
	return 0;
}

const struct cg_backend cg_backend_v1 = {
    .name = "v1",
    .prepare_level = v1_prepare_level,
    .freeze = v1_freeze,
    .is_frozen = v1_is_frozen,
    .oom_fd = v1_oom_fd,
    .oom_count = v1_oom_count,
};
