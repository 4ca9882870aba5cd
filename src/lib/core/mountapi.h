/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MOUNTAPI_H
#define ISOLA_MOUNTAPI_H

/*
 * Mounting by fd: the new mount API and its mount(2) fallbacks. Below both
 * linux/ (the config's mounts) and cgroup/ (the cgroup mount), so neither
 * has to call into the other for the mechanics.
 */
#include <stdbool.h>
#include <stdint.h>

#include "isola/error.h"
#include "isola/settings.h"

/* Bind-mount what src_fd names onto dst_fd (both O_PATH) with MOUNT_ATTR_* attr_set. */
int isola_bind_fd(int src_fd, int dst_fd, bool recursive, uint64_t attr_set,
		  struct isola_error *err);
/* mount_setattr(fd, AT_EMPTY_PATH) with MOUNT_ATTR_* set/clr and MS_* propagation. */
int isola_mount_setattr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t prop,
			struct isola_error *err);
/* Make the mount whose root fd (O_PATH) is read-only, that mount only. */
int isola_mount_set_ro(int fd, struct isola_error *err);
/* MS_* -> MOUNT_ATTR_* for the flags mount_setattr knows. */
uint64_t isola_mount_flags_to_attr(unsigned long flags);

/*
 * Classic mount(2) fallbacks for the new mount API (open_tree, move_mount,
 * mount_setattr, fsopen/fsmount), used when it returns ENOSYS (valgrind,
 * seccomp profiles, old kernels) or the caller asked for them
 * (isola_mount_set_compat in isola/settings.h).
 * Targets are still fds resolved inside the rootfs, mounted on through
 * "/proc/self/fd/N". mount(2) leaves such an fd on the covered directory, so
 * to change the new mount's flags it is resolved again from a trusted dir fd
 * (isola_open_in_root): never through a raw path string.
 */
struct isola_mnt_dst {
	int fd;		  /* O_PATH fd to mount on */
	int rootfd;	  /* resolve path in it to find the new mount; -1: can't */
	const char *path; /* dst's path below rootfd */
};

/* True when the fallbacks are in use (asked for, or probed once per process). */
bool isola_mount_compat(void);
/* O_PATH fd of what is mounted on d now. */
int isola_mnt_reopen(const struct isola_mnt_dst *d, struct isola_error *err);
/* MS_REMOUNT|MS_BIND the mount whose root fd is: (its flags | set) & ~clr. */
int isola_compat_remount(int fd, unsigned long set, unsigned long clr, struct isola_error *err);
/* Bind what src_fd names onto d, then remount with set/clr (MS_*) if any. */
int isola_compat_bind(int src_fd, const struct isola_mnt_dst *d, bool recursive, unsigned long set,
		      unsigned long clr, struct isola_error *err);
/* Mount a fresh filesystem on d; returns an O_PATH fd of it when want_fd, else 0. */
int isola_compat_fs(const char *src, const char *type, unsigned long flags, const char *data,
		    const struct isola_mnt_dst *d, bool want_fd, struct isola_error *err);
/* isola_bind_fd() with the path that finds dst again (needed under compat with attr_set). */
int isola_bind_fd_at(int src_fd, const struct isola_mnt_dst *d, bool recursive, uint64_t attr_set,
		     struct isola_error *err);

#endif
