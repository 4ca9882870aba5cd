/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/idmount.h"
#include "linux/ns.h"

/*
 * A user namespace with the given mappings, as an fd: a child unshares it
 * and waits; we write its maps, open /proc/PID/ns/user and let it go.
 */
int isola_userns_open(const struct isola_idmap *u, size_t nu, const struct isola_idmap *g,
		      size_t ng, struct isola_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return isola_err_sys(err, "fork");
	if (pid == 0) {
		char b;
		close(p[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		(void)!read(p[0], &b, 1); /* EOF once the parent is done */
		_exit(0);
	}
	close(p[0]);
	char path[64];
	int fd = -1;
	cleanup_free char *um = isola_idmap_format(u, nu), *gm = isola_idmap_format(g, ng);
	/* Wait until the child is in its new namespace (its ns link differs from ours). */
	for (int i = 0; i < 10000; i++) {
		char a[64], b[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		ssize_t la = readlink(path, a, sizeof(a) - 1),
			lb = readlink("/proc/self/ns/user", b, sizeof(b) - 1);
		if (la > 0 && lb > 0 && (la != lb || memcmp(a, b, (size_t)la) != 0))
			break;
		usleep(100);
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (isola_write_file_at(AT_FDCWD, path, um, strlen(um), err) == 0) {
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		if (isola_write_file_at(AT_FDCWD, path, gm, strlen(gm), err) == 0) {
			snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
				isola_err_sys(err, "open user namespace");
		}
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	return fd;
}

static int idmapped_tree(const struct isola_config *c, const struct isola_mount *m,
			 struct isola_error *err)
{
	const struct isola_idmap *u = m->n_uid_mappings ? m->uid_mappings : c->uid_mappings;
	const struct isola_idmap *g = m->n_gid_mappings ? m->gid_mappings : c->gid_mappings;
	size_t nu = m->n_uid_mappings ? m->n_uid_mappings : c->n_uid_mappings;
	size_t ng = m->n_gid_mappings ? m->n_gid_mappings : c->n_gid_mappings;
	if (!nu || !ng)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "idmapped mount \"%s\" needs uid and gid mappings",
				 m->destination);
	cleanup_close int userns = isola_userns_open(u, nu, g, ng, err);
	if (userns < 0)
		return -1;
	bool rec = m->recursive || m->idmap_recursive;
	cleanup_close int tree = sys_open_tree(
	    AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "bind \"%s\"", m->source);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	if (sys_mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr,
			      sizeof(attr)) < 0)
		return isola_err_sys(err, "idmap mount \"%s\"", m->destination);
	return steal_fd(tree);
}

int isola_idmount_prepare(const struct isola_config *c, int **fds, struct isola_error *err)
{
	*fds = NULL;
	bool any = false;
	for (size_t i = 0; i < c->n_mounts; i++)
		any |= c->mounts[i].idmap;
	if (!any)
		return 0;
	*fds = malloc(c->n_mounts * sizeof(int));
	if (!*fds)
		return isola_err_sys(err, "alloc");
	for (size_t i = 0; i < c->n_mounts; i++)
		(*fds)[i] = -1;
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (!c->mounts[i].idmap)
			continue;
		if (((*fds)[i] = idmapped_tree(c, &c->mounts[i], err)) < 0) {
			isola_idmount_release(*fds, c->n_mounts);
			*fds = NULL;
			return isola_err_prefix(err, "mounts[%zu]", i);
		}
	}
	return 0;
}

void isola_idmount_release(int *fds, size_t n)
{
	for (size_t i = 0; fds && i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}
