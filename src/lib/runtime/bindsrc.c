/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "linux/mounts.h"
#include "linux/ns.h"
#include "runtime/bindsrc.h"
#include "runtime/sync.h"

/*
 * Shared binds keep mount(2) in the container (a clone joins no peer group);
 * the mount(2) fallbacks have no open_tree; an unprivileged runtime can't
 * join the mount namespace (CAP_SYS_CHROOT) and could not reach more than
 * the container anyway.
 */
static bool wanted(const struct isola_mount *m)
{
	return m->bind && !m->idmap && !(m->propagation & MS_SHARED);
}

static bool any_wanted(const struct isola_config *c)
{
	/* Without a mount namespace of its own the container gets no mounts at all. */
	if (geteuid() != 0 || isola_mount_compat() || !(isola_ns_new_flags(c) & CLONE_NEWNS))
		return false;
	for (size_t i = 0; i < c->n_mounts; i++)
		if (wanted(&c->mounts[i]))
			return true;
	return false;
}

static int send_one(int sync, const struct isola_config *c, size_t i, struct isola_error *err)
{
	const struct isola_mount *m = &c->mounts[i];
	char path[4096], idx[32];
	const char *src = m->source ? m->source : "";
	if (src[0] != '/' && c->bundle) {
		snprintf(path, sizeof(path), "%s/%s", c->bundle, src);
		src = path;
	}
	cleanup_close int fd = open(src, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, errno, "mounts[%zu]: bind source \"%s\"",
				 i, src);
	snprintf(idx, sizeof(idx), "%zu", i);
	return isola_sync_send(sync, ISOLA_SYNC_MOUNT_SRC, idx, fd, err);
}

/* The helper: join the init's mount namespace, send every source, then the end mark. */
static int helper_steps(pid_t init, const struct isola_config *c, int sync, struct isola_error *err)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)init);
	cleanup_close int ns = open(p, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNS) < 0)
		return isola_err_sys(err, "join the container's mount namespace");
	for (size_t i = 0; i < c->n_mounts; i++)
		if (wanted(&c->mounts[i]) && send_one(sync, c, i, err) < 0)
			return -1;
	return isola_sync_send(sync, ISOLA_SYNC_MOUNT_SRC, NULL, -1, err);
}

int isola_bindsrc_send(pid_t init, const struct isola_config *c, int sync, struct isola_error *err)
{
	if (!any_wanted(c))
		return isola_sync_send(sync, ISOLA_SYNC_MOUNT_SRC, NULL, -1, err);
	pid_t pid = fork();
	if (pid < 0)
		return isola_err_sys(err, "fork");
	if (pid == 0) {
		struct isola_error e = {0};
		if (helper_steps(init, c, sync, &e) < 0) {
			/* The init reports it back, as its own failure. */
			isola_sync_send(sync, ISOLA_SYNC_ERROR, NULL, -1, &e);
			_exit(1);
		}
		_exit(0);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return isola_err_sys(err, "wait for the bind source helper");
	/* Killed before it could tell the init anything: don't leave it waiting. */
	if (!WIFEXITED(status)) {
		struct isola_error e;
		isola_err(&e, ISOLA_ERR_SYSTEM, 0, "bind source helper died");
		isola_sync_send(sync, ISOLA_SYNC_ERROR, NULL, -1, &e);
	}
	return 0;
}

static int *premade_new(const struct isola_config *c, const int *idmap_fds)
{
	int *p = malloc((c->n_mounts ? c->n_mounts : 1) * sizeof(int));
	for (size_t i = 0; p && i < c->n_mounts; i++)
		p[i] = idmap_fds ? idmap_fds[i] : -1;
	return p;
}

int isola_bindsrc_recv(int sync, const struct isola_config *c, const int *idmap_fds, int **premade,
		       struct isola_error *err)
{
	*premade = NULL;
	for (;;) {
		int fd = -1;
		cleanup_free char *idx = NULL;
		/* An error here is the helper's, already naming the mount. */
		if (isola_sync_recv(sync, ISOLA_SYNC_MOUNT_SRC, &fd, &idx, err) < 0)
			return -1;
		if (fd < 0)
			return 0;
		char *end;
		unsigned long i = strtoul(idx, &end, 10);
		if (*end || i >= c->n_mounts || (idmap_fds && idmap_fds[i] >= 0) ||
		    (!*premade && !(*premade = premade_new(c, idmap_fds)))) {
			close(fd);
			return isola_err(err, ISOLA_ERR_SYSTEM, 0, "bind sources: bad message");
		}
		(*premade)[i] = fd;
	}
}

void isola_bindsrc_release(int *premade, const int *idmap_fds, size_t n)
{
	for (size_t i = 0; premade && i < n; i++)
		if (premade[i] >= 0 && !(idmap_fds && idmap_fds[i] == premade[i]))
			close(premade[i]);
	free(premade);
}
