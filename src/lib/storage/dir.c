/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "storage/storage.h"

static bool dir_supported(void)
{
	return true;
}

/* A plain copy: apply each layer in order, whiteouts deleting what is below. */
static int dir_create(int cdirfd, char *const *layers, size_t n, struct isola_error *err)
{
	if (mkdirat(cdirfd, "rootfs", 0755) < 0)
		return isola_err_sys(err, "dir: create rootfs");
	cleanup_close int dfd = openat(cdirfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return isola_err_sys(err, "dir: open rootfs");
	for (size_t i = 0; i < n; i++) {
		cleanup_close int lfd = open(layers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lfd < 0)
			return isola_err_sys(err, "dir: open layer \"%s\"", layers[i]);
		if (isola_copy_tree(lfd, dfd, ISOLA_COPY_APPLY, err) < 0)
			return isola_err_prefix(err, "dir: apply layer \"%s\"", layers[i]);
	}
	return 0;
}

static int dir_mount(int cdirfd, const char *cdir, char *const *layers, size_t n,
		     const char *target, bool scratch, struct isola_error *err)
{
	/* By path: cdirfd may be of a mount namespace the caller left (the monitor's
	 * own), and open_tree clones only mounts of the caller's (EINVAL). */
	char src[4096];
	snprintf(src, sizeof(src), "%s/rootfs", cdir);
	cleanup_close int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 && errno == ENOSYS) {
		if (mount(src, target, NULL, MS_BIND, NULL) < 0)
			return isola_err_sys(err, "dir: bind \"%s\"", target);
		return 0;
	}
	if (tree < 0)
		return isola_err_sys(err, "dir: open_tree");
	if (move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return isola_err_sys(err, "dir: mount on \"%s\"", target);
	return 0;
}

static int dir_clone(int srcfd, int dstfd, struct isola_error *err)
{
	if (mkdirat(dstfd, "rootfs", 0755) < 0)
		return isola_err_sys(err, "dir: create rootfs");
	cleanup_close int sfd = openat(srcfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int dfd = openat(dstfd, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || dfd < 0)
		return isola_err_sys(err, "dir: open rootfs");
	return isola_copy_tree(sfd, dfd, ISOLA_COPY_EXACT, err);
}

const struct isola_storage_driver isola_storage_dir = {
    .name = "dir",
    .supported = dir_supported,
    .create = dir_create,
    .mount = dir_mount,
    .clone = dir_clone,
};
