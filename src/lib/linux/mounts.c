/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/safepath.h"
#include "linux/mounts.h"

/* glibc 2.36's <sys/mount.h> declares these, but keep raw syscalls for older libcs. */
static int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
			  unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static int sys_mount_setattr(int dfd, const char *path, unsigned int flags,
			     struct mount_attr *attr)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

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

static int set_attr(int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t prop,
		    struct isola_error *err)
{
	if (!set && !clr && !prop)
		return 0;
	/* The atime mode is one field: clearing it is needed to set another. */
	if (set & MOUNT_ATTR__ATIME)
		clr |= MOUNT_ATTR__ATIME;
	struct mount_attr attr = {.attr_set = set, .attr_clr = clr, .propagation = prop};
	unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
	if (sys_mount_setattr(fd, "", flags, &attr) < 0)
		return isola_err_sys(err, "set mount attributes");
	return 0;
}

static uint64_t propagation_of(unsigned long p)
{
	if (p & MS_SHARED)
		return MS_SHARED;
	if (p & MS_SLAVE)
		return MS_SLAVE;
	if (p & MS_PRIVATE)
		return MS_PRIVATE;
	if (p & MS_UNBINDABLE)
		return MS_UNBINDABLE;
	return 0;
}

int isola_bind_fd(int src_fd, int dst_fd, bool recursive, uint64_t attr_set,
		  struct isola_error *err)
{
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = sys_open_tree(src_fd, "", flags | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "clone mount tree");
	if (set_attr(tree, recursive, attr_set, 0, 0, err) < 0)
		return -1;
	if (sys_move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return isola_err_sys(err, "attach bind mount");
	return 0;
}

static int open_bind_source(const struct isola_mount_ctx *ctx, const char *src,
			    struct isola_error *err)
{
	char path[4096];
	if (src[0] != '/' && ctx->bundle) {
		snprintf(path, sizeof(path), "%s/%s", ctx->bundle, src);
		src = path;
	}
	int fd = open(src, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, errno, "bind source \"%s\"", src);
	return fd;
}

/* The tree to attach: premade (an idmapped mount from the runtime) or cloned from the source. */
static int bind_tree(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		     struct isola_error *err)
{
	if (premade >= 0)
		return fcntl(premade, F_DUPFD_CLOEXEC, 3);
	cleanup_close int src = open_bind_source(ctx, m->source ? m->source : "", err);
	if (src < 0)
		return -1;
	unsigned int otflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	int tree = sys_open_tree(src, "", otflags | (m->recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "bind \"%s\"", m->source);
	return tree;
}

static int mount_bind(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		      struct isola_error *err)
{
	cleanup_close int tree = bind_tree(ctx, m, premade, err);
	struct stat st;
	if (tree < 0)
		return -1;
	if (fstat(tree, &st) < 0)
		return isola_err_sys(err, "stat \"%s\"", m->source);
	cleanup_close int dst = S_ISDIR(st.st_mode)
					? isola_mkdir_in_root(ctx->rootfd, m->destination, 0755, err)
					: isola_mkfile_in_root(ctx->rootfd, m->destination, 0644, err);
	if (dst < 0)
		return -1;
	uint64_t set = isola_mount_flags_to_attr(m->flags);
	uint64_t clr = isola_mount_flags_to_attr(m->clear_flags);
	if (set_attr(tree, false, set, clr, 0, err) < 0 ||
	    set_attr(tree, true, m->attr_set, m->attr_clr, propagation_of(m->propagation), err) < 0)
		return -1;
	if (sys_move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return isola_err_sys(err, "attach bind mount");
	return 0;
}

/* Flags that mount(2) takes at creation; the rest are set after. */
#define CREATE_FLAGS                                                                               \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC |             \
	 MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_MANDLOCK |   \
	 MS_SILENT)

static int mount_fs(const struct isola_mount_ctx *ctx, const struct isola_mount *m,
		    struct isola_error *err)
{
	cleanup_close int dst = isola_mkdir_in_root(ctx->rootfd, m->destination, 0755, err);
	if (dst < 0)
		return -1;
	if (m->type && strcmp(m->type, "cgroup") == 0) {
		if (isola_cgroup_mount(ctx->cg, dst, m->flags, err) < 0)
			return isola_err_prefix(err, "mount cgroup on \"%s\"", m->destination);
		return 0;
	}
	char target[32];
	unsigned long flags = m->flags & CREATE_FLAGS;
	if (mount(m->source ? m->source : "none", isola_fd_path(dst, target), m->type, flags,
		  m->data) < 0)
		return isola_err_sys(err, "mount %s on \"%s\"", m->type ? m->type : "none",
				     m->destination);
	if (m->attr_set || m->attr_clr || m->propagation) {
		/* dst still names the directory below; reopen to reach the new mount. */
		cleanup_close int top = isola_open_in_root(ctx->rootfd, m->destination,
							   O_PATH | O_DIRECTORY, 0, err);
		if (top < 0)
			return -1;
		if (set_attr(top, true, m->attr_set, m->attr_clr, propagation_of(m->propagation),
			     err) < 0)
			return -1;
	}
	return 0;
}

int isola_mount_one(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		    struct isola_error *err)
{
	int r = m->bind || premade >= 0 ? mount_bind(ctx, m, premade, err) : mount_fs(ctx, m, err);
	if (r < 0)
		return isola_err_prefix(err, "mount \"%s\"", m->destination);
	return 0;
}
