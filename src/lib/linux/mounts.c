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
	if (sys_mount_setattr(fd, "", flags, &attr, sizeof(attr)) < 0)
		return isola_err_sys(err, "set mount attributes");
	return 0;
}

int isola_mount_set_ro(int fd, struct isola_error *err)
{
	if (isola_mount_compat())
		return isola_compat_remount(fd, MS_RDONLY, 0, err);
	return set_attr(fd, false, MOUNT_ATTR_RDONLY, 0, 0, err);
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

bool isola_mount_compat(void)
{
	static int compat = -1;
	if (compat < 0) {
		const char *e = getenv("ISOLA_MOUNT_COMPAT");
		int saved = errno;
		/* size 0 is refused before anything else: EINVAL, or ENOSYS without the API */
		compat = (e && strcmp(e, "1") == 0) ||
			 (sys_mount_setattr(-1, "", 0, NULL, sizeof(struct mount_attr)) < 0 && errno == ENOSYS);
		errno = saved;
	}
	return compat;
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

int isola_compat_bind(int src_fd, const struct isola_mnt_dst *d, bool recursive,
		      unsigned long set, unsigned long clr, struct isola_error *err)
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

int isola_bind_fd_at(int src_fd, const struct isola_mnt_dst *d, bool recursive,
		     uint64_t attr_set, struct isola_error *err)
{
	if (isola_mount_compat())
		return isola_compat_bind(src_fd, d, recursive, attr_to_flags(attr_set), 0, err);
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	cleanup_close int tree = sys_open_tree(src_fd, "", flags | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return isola_err_sys(err, "clone mount tree");
	if (set_attr(tree, recursive, attr_set, 0, 0, err) < 0)
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
	cleanup_close int src = premade >= 0 ? fcntl(premade, F_DUPFD_CLOEXEC, 3)
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
	cleanup_close int pfd = isola_open_in_root(rootfd, parent[0] ? parent : "/",
						   O_PATH | O_DIRECTORY, 0, &ignored);
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
				 "%s must be mounted on a directory, not a symlink or file", m->type);
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
	return set_attr(top, true, m->attr_set, m->attr_clr, 0, err);
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
	if (isola_compat_bind(src, &d, m->recursive, m->flags & keep, m->clear_flags & keep,
			      err) < 0)
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
