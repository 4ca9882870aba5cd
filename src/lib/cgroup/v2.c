/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v2 backend: subtree_control, cgroup.freeze, memory.events. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/util.h"
#include "core/cleanup.h"

/*
 * Controllers reach a child only when the parent lists them in
 * cgroup.subtree_control. Enable each one separately: one refused controller
 * (a threaded subtree, a parent with processes: EBUSY) must not block the
 * rest. What stays disabled shows up later as a clear "not supported" for
 * the resource that needed it.
 */
static int v2_prepare_level(const struct cg_hier *h, const char *dir, struct isola_error *err)
{
	cleanup_free char *parent = strdup(dir);
	if (!parent)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "subtree_control");
	*strrchr(parent, '/') = '\0';
	if (!parent[0])
		return 0;
	cleanup_free char *avail = cg_read(parent, "cgroup.controllers", err);
	if (!avail)
		return -1;
	avail[strcspn(avail, "\n")] = '\0';
	for (char *save = NULL, *c = strtok_r(avail, " ", &save); c; c = strtok_r(NULL, " ", &save))
		cg_writef(parent, "cgroup.subtree_control", NULL, "+%s", c);
	return 0;
}

static int v2_is_frozen(const struct cg_hier *h, struct isola_error *err)
{
	uint64_t v = 0;
	if (cg_read_keyed(h->dir, "cgroup.events", "frozen", &v) < 0)
		return isola_err(
		    err, ISOLA_ERR_UNSUPPORTED, 0,
		    "no \"frozen\" in \"%s/cgroup.events\": kernel without cgroup.freeze", h->dir);
	return v == 1;
}

/*
 * cgroup.events changes raise POLLPRI on an open fd: wait on that instead of
 * polling blindly, with a short timeout in case a change slips between reads.
 */
static int v2_freeze(const struct cg_hier *h, bool freeze, struct isola_error *err)
{
	cleanup_free char *ev = cg_path_join(h->dir, "cgroup.events");
	cleanup_close int fd = -1;
	if (!ev)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "freeze");
	if (!cg_file_exists(h->dir, "cgroup.freeze"))
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "no \"cgroup.freeze\" in \"%s\": kernel older than 5.2", h->dir);
	fd = open(ev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", ev);
	if (cg_write(h->dir, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
		return -1;
	/* Real time, not the sum of poll timeouts: poll may return at once. */
	long long deadline = isola_now_ms() + 5000;
	for (int i = 0; isola_now_ms() < deadline; i++) {
		int r = v2_is_frozen(h, err);
		if (r < 0)
			return -1;
		if (r == (int)freeze)
			return 0;
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		char buf[256];
		if (poll(&pfd, 1, i < 4 ? 1 << i : 10) > 0 && lseek(fd, 0, SEEK_SET) == 0)
			(void)!read(fd, buf, sizeof(buf)); /* re-arm the kernfs notification */
	}
	if (freeze)
		cg_write(h->dir, "cgroup.freeze", "0", NULL);
	return isola_err(err, ISOLA_ERR_BUSY, 0, "\"%s\" not %s after 5 s", h->dir,
			 freeze ? "frozen" : "thawed");
}

/* memory.events raises POLLPRI when a counter changes (oom, oom_kill...). */
static int v2_oom_fd(const struct cg_hier *h, struct isola_error *err)
{
	cleanup_free char *p = cg_path_join(h->dir, "memory.events");
	int fd;
	if (!p)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "oom");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", p);
	return fd;
}

static int v2_oom_count(const struct cg_hier *h, unsigned long *count, struct isola_error *err)
{
	uint64_t v = 0;
	if (cg_read_keyed(h->dir, "memory.events", "oom_kill", &v) < 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no oom_kill in \"%s/%s\"", h->dir,
				 "memory.events");
	*count = (unsigned long)v;
	return 0;
}

const struct cg_backend cg_backend_v2 = {
    .name = "v2",
    .prepare_level = v2_prepare_level,
    .freeze = v2_freeze,
    .is_frozen = v2_is_frozen,
    .oom_fd = v2_oom_fd,
    .oom_count = v2_oom_count,
};

const struct cg_backend *cg_backend(const struct cg_hier *h)
{
	return h->kind == CG_V2 ? &cg_backend_v2 : &cg_backend_v1;
}
