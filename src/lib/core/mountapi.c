/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/mountapi.h"
#include "core/safepath.h"
#include "core/sys.h"

uint64_t isola_mount_flags_to_attr(unsigned long flags)
{
	uint64_t a = 0;
	if (flags & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	if (flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	if (flags & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (flags & MS_RELATIME)
		a |= MOUNT_ATTR_RELATIME;
	return a;
}

int isola_mount_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t prop,
			struct isola_error *err)
{
	if (!set && !clr && !prop)
		return 0;
	/* The atime mode is one field: clearing it is needed to set another. */
	if (set & MOUNT_ATTR__ATIME)
		clr |= MOUNT_ATTR__ATIME;
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = prop};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (sys_mount_setattr(fd, "", flags, &attr, sizeof(attr)) < 0)
		return isola_err_sys(err, "set mount attributes");
	return 0;
}

int isola_mount_set_ro(int fd, struct isola_error *err)
{
	if (isola_mount_compat())
		return isola_compat_remount(fd, MS_RDONLY, 0, err);
	return isola_mount_setattr(fd, false, MOUNT_ATTR_RDONLY, 0, 0, err);
}

static int mount_compat = -1; /* 1: fallbacks, 0: new API, -1: not probed yet */

void isola_mount_set_compat(bool on)
{
	mount_compat = on ? 1 : -1;
}

bool isola_mount_compat(void)
{
	if (mount_compat < 0) {
		int saved = errno;
		/* A call that can't succeed: ENOSYS only where the kernel lacks the API. */
		mount_compat = sys_mount_setattr(-1, "", 0, NULL, sizeof(struct mount_attr)) < 0 &&
			       errno == ENOSYS;
		errno = saved;
	}
	return mount_compat;
}

/* MOUNT_ATTR_* -> MS_*; MOUNT_ATTR_RELATIME is 0: the kernel's default stays. */
static unsigned long attr_to_flags(uint64_t a)
{
	unsigned long f = 0;
	f |= (a & MOUNT_ATTR_RDONLY) ? MS_RDONLY : 0;
	f |= (a & MOUNT_ATTR_NOSUID) ? MS_NOSUID : 0;
	f |= (a & MOUNT_ATTR_NODEV) ? MS_NODEV : 0;
	f |= (a & MOUNT_ATTR_NOEXEC) ? MS_NOEXEC : 0;
	f |= (a & MOUNT_ATTR_NODIRATIME) ? MS_NODIRATIME : 0;
	if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_NOATIME)
		f |= MS_NOATIME;
	else if ((a & MOUNT_ATTR__ATIME) == MOUNT_ATTR_STRICTATIME)
		f |= MS_STRICTATIME;
	return f;
}

int isola_mnt_reopen(const struct isola_mnt_dst *d, struct isola_error *err)
{
	if (d->rootfd < 0 || !d->path)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, ENOSYS,
				 "no way to find the new mount again without the new mount API");
	return isola_open_in_root(d->rootfd, d->path, O_PATH | O_NOFOLLOW, 0, err);
}

int isola_compat_remount(int fd, unsigned long set, unsigned long clr, struct isola_error *err)
{
	struct statvfs sv;
	char p[32];
	if (fstatvfs(fd, &sv) < 0)
		return isola_err_sys(err, "statvfs of the new mount");
	/*
	 * A bind remount sets exactly the flags given: keep the ones the mount
	 * has (in a user namespace the locked nosuid/nodev/noexec must stay, or
	 * EPERM). The atime mode is kept by the kernel when none is given.
	 */
	unsigned long keep = sv.f_flag & (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC);
	unsigned long flags = ((keep | set) & ~clr) | MS_REMOUNT | MS_BIND;
	if (mount(NULL, isola_fd_path(fd, p), NULL, flags, NULL) < 0)
		return isola_err_sys(err, "remount with new flags");
	return 0;
}

int isola_compat_bind(int src_fd, const struct isola_mnt_dst *d, bool recursive, unsigned long set,
		      unsigned long clr, struct isola_error *err)
{
	char sp[32], dp[32];
	unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
	if (mount(isola_fd_path(src_fd, sp), isola_fd_path(d->fd, dp), NULL, flags, NULL) < 0)
		return isola_err_sys(err, "bind mount");
	if (!set && !clr)
		return 0;
	cleanup_close int top = isola_mnt_reopen(d, err);
	if (top < 0)
		return -1;
	return isola_compat_remount(top, set, clr, err);
}

int isola_compat_fs(const char *src, const char *type, unsigned long flags, const char *data,
		    const struct isola_mnt_dst *d, bool want_fd, struct isola_error *err)
{
	char dp[32];
	if (mount(src, isola_fd_path(d->fd, dp), type, flags, data) < 0)
		return isola_err_sys(err, "mount %s", type);
	return want_fd ? isola_mnt_reopen(d, err) : 0;
}

int isola_bind_fd_at(int src_fd, const struct isola_mnt_dst *d, bool recursive, uint64_t attr_set,
		     struct isola_error *err)
{
	if (isola_mount_compat())
		return isola_compat_bind(src_fd, d, recursive, attr_to_flags(attr_set), 0, err);
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = sys_open_tree(src_fd, "", flags | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "clone mount tree");
	if (isola_mount_setattr(tree, recursive, attr_set, 0, 0, err) < 0)
		return -1;
	if (sys_move_mount(tree, "", d->fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return isola_err_sys(err, "attach bind mount");
	return 0;
}

int isola_bind_fd(int src_fd, int dst_fd, bool recursive, uint64_t attr_set,
		  struct isola_error *err)
{
	struct isola_mnt_dst d = {.fd = dst_fd, .rootfd = -1};
	return isola_bind_fd_at(src_fd, &d, recursive, attr_set, err);
}
