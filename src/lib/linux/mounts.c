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

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/sys.h"
#include "linux/mounts.h"

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

/*
 * The tree to attach. premade, from the runtime: an idmapped tree, or the
 * source opened for us (user namespace, runtime/bindsrc.h). Else the source
 * is opened here.
 */
static int bind_tree(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		     struct isola_error *err)
{
	if (premade >= 0 && m->idmap)
		return fcntl(premade, F_DUPFD_CLOEXEC, 3);
	cleanup_close int src = premade >= 0
				    ? fcntl(premade, F_DUPFD_CLOEXEC, 3)
				    : open_bind_source(ctx, m->source ? m->source : "", err);
	if (src < 0)
		return premade >= 0 ? isola_err_sys(err, "dup bind source") : -1;
	unsigned int otflags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	int tree = sys_open_tree(src, "", otflags | (m->recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "bind \"%s\"", m->source);
	return tree;
}

/*
 * isola_mkdir_in_root, cheaper when only the last component is missing under
 * an existing directory (/dev/pts, /dev/shm, /dev/mqueue in the fresh /dev
 * tmpfs): the parent is resolved once and the name made there, 5 calls
 * instead of 8, with the same per-component resolution as the general walk,
 * which takes every other case.
 */
static int mkdir_dst(int rootfd, const char *path, struct isola_error *err)
{
	struct isola_error ignored;
	int fd = isola_open_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0, &ignored);
	if (fd >= 0)
		return fd;
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char parent[4096];
	if (errno != ENOENT || !*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 ||
	    (size_t)(base - path) >= sizeof(parent))
		return isola_mkdir_in_root(rootfd, path, 0755, err);
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	cleanup_close int pfd =
	    isola_open_in_root(rootfd, parent[0] ? parent : "/", O_PATH | O_DIRECTORY, 0, &ignored);
	if (pfd < 0)
		return isola_mkdir_in_root(rootfd, path, 0755, err);
	/* one plain name under a safely resolved directory, as the general walk does */
	if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
		return isola_err_sys(err, "mkdir \"%s\" in rootfs", path);
	fd = isola_open_in_root(pfd, base, O_PATH | O_DIRECTORY, 0, &ignored);
	return fd >= 0 ? fd : isola_err_sys(err, "open \"%s\" in rootfs", path);
}

/*
 * procfs and sysfs go on a plain directory, as runc insists: an image whose
 * /proc or /sys is a symlink would otherwise get them wherever it points,
 * and maskedPaths, which name /proc/..., would mask nothing there.
 */
static int plain_dir_dst(int rootfd, const struct isola_mount *m, struct isola_error *err)
{
	struct isola_error ignored;
	int fd = isola_open_in_root(rootfd, m->destination, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0,
				    &ignored);
	if (fd >= 0)
		return fd;
	if (errno == ENOTDIR || errno == ELOOP)
		return isola_err(err, ISOLA_ERR_INVALID, errno,
				 "%s must be mounted on a directory, not a symlink or file",
				 m->type);
	return mkdir_dst(rootfd, m->destination, err);
}

static bool is_proc_or_sys(const struct isola_mount *m)
{
	return m->type && (strcmp(m->type, "proc") == 0 || strcmp(m->type, "sysfs") == 0);
}

static int dst_for(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int src,
		   struct isola_error *err)
{
	struct stat st;
	if (fstat(src, &st) < 0)
		return isola_err_sys(err, "stat \"%s\"", m->source);
	return S_ISDIR(st.st_mode) ? mkdir_dst(ctx->rootfd, m->destination, err)
				   : isola_mkfile_in_root(ctx->rootfd, m->destination, 0644, err);
}

/* Recursive attributes ("rro"...) have no mount(2) form: refuse rather than half-apply them. */
static int compat_no_rattr(const struct isola_mount *m, struct isola_error *err)
{
	if (!m->attr_set && !m->attr_clr)
		return 0;
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, ENOSYS,
			 "recursive mount attributes need mount_setattr");
}

static int compat_propagation(const struct isola_mount_ctx *ctx, const struct isola_mount *m,
			      struct isola_error *err)
{
	if (!propagation_of(m->propagation))
		return 0;
	struct isola_mnt_dst d = {.rootfd = ctx->rootfd, .path = m->destination};
	cleanup_close int top = isola_mnt_reopen(&d, err);
	char p[32];
	if (top < 0)
		return -1;
	if (mount(NULL, isola_fd_path(top, p), NULL, MS_REC | propagation_of(m->propagation),
		  NULL) < 0)
		return isola_err_sys(err, "set propagation");
	return 0;
}

/* Recursive attributes on the attached bind, where mount_setattr exists (shared binds). */
static int rattr_after(const struct isola_mount_ctx *ctx, const struct isola_mount *m,
		       struct isola_error *err)
{
	if (!m->attr_set && !m->attr_clr)
		return 0;
	struct isola_mnt_dst d = {.rootfd = ctx->rootfd, .path = m->destination};
	cleanup_close int top = isola_mnt_reopen(&d, err);
	if (top < 0)
		return -1;
	return isola_mount_setattr(top, true, m->attr_set, m->attr_clr, 0, err);
}

static int compat_mount_bind(const struct isola_mount_ctx *ctx, const struct isola_mount *m,
			     struct isola_error *err)
{
	bool compat = isola_mount_compat();
	if (compat && compat_no_rattr(m, err) < 0)
		return -1;
	cleanup_close int src = open_bind_source(ctx, m->source ? m->source : "", err);
	if (src < 0)
		return -1;
	cleanup_close int dst = dst_for(ctx, m, src, err);
	if (dst < 0)
		return -1;
	struct isola_mnt_dst d = {.fd = dst, .rootfd = ctx->rootfd, .path = m->destination};
	unsigned long keep = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
			     MS_NODIRATIME | MS_STRICTATIME;
	if (isola_compat_bind(src, &d, m->recursive, m->flags & keep, m->clear_flags & keep, err) <
	    0)
		return isola_err_prefix(err, "bind \"%s\"", m->source);
	if (!compat && rattr_after(ctx, m, err) < 0)
		return -1;
	return compat_propagation(ctx, m, err);
}

static int mount_bind(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		      struct isola_error *err)
{
	/*
	 * mount(2) for a shared bind: a clone from open_tree is private and joins no
	 * peer group, so mounts made inside would never reach the host (Kubernetes
	 * "Bidirectional" mounts).
	 */
	if (premade < 0 && (isola_mount_compat() || (m->propagation & MS_SHARED)))
		return compat_mount_bind(ctx, m, err);
	cleanup_close int tree = bind_tree(ctx, m, premade, err);
	if (tree < 0)
		return -1;
	cleanup_close int dst = dst_for(ctx, m, tree, err);
	if (dst < 0)
		return -1;
	uint64_t set = isola_mount_flags_to_attr(m->flags);
	uint64_t clr = isola_mount_flags_to_attr(m->clear_flags);
	if (isola_mount_setattr(tree, false, set, clr, 0, err) < 0 ||
	    isola_mount_setattr(tree, true, m->attr_set, m->attr_clr,
				propagation_of(m->propagation), err) < 0)
		return -1;
	if (sys_move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return isola_err_sys(err, "attach bind mount");
	return 0;
}

/* Flags that mount(2) takes at creation; the rest are set after. */
#define CREATE_FLAGS                                                                               \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_NOATIME | \
	 MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_MANDLOCK | MS_SILENT)

static int mount_fs(const struct isola_mount_ctx *ctx, const struct isola_mount *m,
		    struct isola_error *err)
{
	cleanup_close int dst = is_proc_or_sys(m) ? plain_dir_dst(ctx->rootfd, m, err)
						  : mkdir_dst(ctx->rootfd, m->destination, err);
	if (dst < 0)
		return -1;
	if (m->type && strcmp(m->type, "cgroup") == 0) {
		if (isola_cgroup_mount_at(ctx->cg, dst, ctx->rootfd, m->destination, m->flags,
					  err) < 0)
			return isola_err_prefix(err, "mount cgroup on \"%s\"", m->destination);
		return 0;
	}
	char target[32];
	unsigned long flags = m->flags & CREATE_FLAGS;
	/* /dev goes read-only at the end: its nodes and submounts are made in it first. */
	if (strcmp(m->destination, "/dev") == 0)
		flags &= ~(unsigned long)MS_RDONLY;
	if (mount(m->source ? m->source : "none", isola_fd_path(dst, target), m->type, flags,
		  m->data) < 0)
		return isola_err_sys(err, "mount %s on \"%s\"", m->type ? m->type : "none",
				     m->destination);
	if (isola_mount_compat())
		return compat_no_rattr(m, err) < 0 ? -1 : compat_propagation(ctx, m, err);
	if (m->attr_set || m->attr_clr || m->propagation) {
		/* dst still names the directory below; reopen to reach the new mount. */
		cleanup_close int top =
		    isola_open_in_root(ctx->rootfd, m->destination, O_PATH | O_DIRECTORY, 0, err);
		if (top < 0)
			return -1;
		if (isola_mount_setattr(top, true, m->attr_set, m->attr_clr,
					propagation_of(m->propagation), err) < 0)
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
