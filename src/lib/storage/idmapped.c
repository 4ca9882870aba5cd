/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "storage/internal.h"

/*
 * A root for a container in a user namespace, without a chown'd copy: every
 * layer and the container's dir (upper and work) become idmapped mounts, and
 * the backend builds its root on those. Linux 6.18 refuses MOUNT_ATTR_IDMAP
 * on an overlay mount itself (EINVAL), but takes idmapped layers. The trees
 * stay detached: the backend names them /proc/self/fd/N, and overlayfs keeps
 * its own private clones (detached layers work since Linux 6.15).
 *
 * Through an idmapped upper, what the container's root writes is stored as
 * 0 on disk: the upper dir holds the container's ids, as without a user
 * namespace, so diff and commit need no translation.
 */

static int idmapped_tree(const char *path, int userns_fd, struct isola_error *err)
{
	cleanup_close int tree =
	    (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return isola_err_sys(err, "open_tree \"%s\"", path);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return isola_err_sys(err, "idmap \"%s\"", path);
	return steal_fd(tree);
}

struct saved_creds {
	int fsuid, fsgid;
	struct __user_cap_data_struct caps[2];
};

static void restore_creds(const struct saved_creds *s)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	setfsuid((uid_t)s->fsuid);
	setfsgid((gid_t)s->fsgid);
	(void)syscall(SYS_capset, &h, s->caps);
}

/*
 * overlayfs does its own work (the work dir, copy-ups, whiteouts) with the
 * credentials of whoever mounted it, through the idmapped upper: host root
 * is not in the mapping there (EOVERFLOW), the container's root is. A fsuid
 * other than 0 drops the fs capabilities from the effective set, so they
 * are raised again (they stay in the permitted set).
 */
static int become_owner(const struct isola_rootfs_idmap *idm, struct saved_creds *s,
			struct isola_error *err)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	if (syscall(SYS_capget, &h, s->caps) < 0)
		return isola_err_sys(err, "capget");
	s->fsgid = setfsgid(idm->gid);
	s->fsuid = setfsuid(idm->uid);
	struct __user_cap_data_struct raised[2] = {s->caps[0], s->caps[1]};
	raised[0].effective = raised[0].permitted;
	raised[1].effective = raised[1].permitted;
	if (syscall(SYS_capset, &h, raised) < 0) {
		int saved = errno;
		restore_creds(s);
		errno = saved;
		return isola_err_sys(err, "capset");
	}
	return 0;
}

static void release(int *fds, char **paths, size_t n)
{
	for (size_t i = 0; i <= n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		free(paths[i]);
	}
	free(fds);
	free(paths);
}

int storage_mount_idmapped(const struct isola_storage_driver *d, const char *cdir,
			   char *const *layers, size_t n, const char *target, bool scratch,
			   const struct isola_rootfs_idmap *idm, struct isola_error *err)
{
	int *fds = malloc((n + 1) * sizeof(int));
	char **paths = calloc(n + 2, sizeof(char *));
	if (!fds || !paths) {
		free(fds);
		free(paths);
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "idmapped layers");
	}
	for (size_t i = 0; i <= n; i++)
		fds[i] = -1;
	int r = 0;
	for (size_t i = 0; i <= n && r == 0; i++) {
		/* the layers, then the container's own dir as fds[n]; by path: the
		 * store's fds may be of a mount namespace we left, and open_tree
		 * clones only mounts of our own (EINVAL) */
		fds[i] = idmapped_tree(i < n ? layers[i] : cdir, idm->userns_fd, err);
		if (fds[i] >= 0 && asprintf(&paths[i], "/proc/self/fd/%d", fds[i]) < 0) {
			paths[i] = NULL;
			r = isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "idmapped layers");
		}
		if (fds[i] < 0)
			r = -1;
	}
	struct saved_creds saved;
	if (r == 0 && (r = become_owner(idm, &saved, err)) == 0) {
		r = d->mount(fds[n], paths[n], paths, n, target, scratch, err);
		restore_creds(&saved);
	}
	release(fds, paths, n);
	return r;
}
