/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container's /sys/fs/cgroup, built with the new mount API on the fd the
 * runtime resolved inside the rootfs (never a path string into the rootfs).
 * v2: one cgroup2 mount. v1/hybrid: a tmpfs with one directory per hierarchy.
 * In a cgroup namespace rooted at the container's cgroup a fresh cgroup mount
 * shows exactly that cgroup; without one we bind the container's directory,
 * so the container never sees the host's tree either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/mountapi.h"

/*
 * In a cgroup namespace the host's cgroup mounts show a root of "/.." (above
 * the namespace root) in mountinfo, and /proc/self/cgroup shows "/" for the
 * cgroup the namespace was made in. Both must hold: a process that merely sits
 * in the host's root cgroup also reads "/", and a fresh mount there would hand
 * the container the host's whole tree.
 */
static bool in_own_cgroupns(const struct cg_hier *h)
{
	cleanup_free char *own = cg_own_path(h, NULL);
	/* mountinfo only when the cheap check passes (it rarely does without a cgroupns) */
	if (!own || strcmp(own, "/") != 0)
		return false;
	cleanup_free char *root = cg_mount_root(h->mount);
	return root && strncmp(root, "/..", 3) == 0;
}

/* mount(2) form of fresh_cgroup + move_mount. */
static int compat_fresh(const struct cg_hier *h, const struct isola_mnt_dst *d, unsigned long flags,
			struct isola_error *err)
{
	char data[512];
	const char *type = h->kind == CG_V2 ? "cgroup2" : "cgroup";
	bool named_only = h->kind == CG_V1 && strncmp(h->controllers, "name=", 5) == 0;
	snprintf(data, sizeof(data), "%s%s", named_only ? "none," : "",
		 h->kind == CG_V1 ? h->controllers : "");
	if (isola_compat_fs(type, type, flags, data[0] ? data : NULL, d, false, err) < 0)
		return isola_err_prefix(err, "cgroup \"%s\"", h->mount);
	return 0;
}

static int compat_bind(const struct cg_hier *h, const struct isola_mnt_dst *d, unsigned long flags,
		       struct isola_error *err)
{
	cleanup_close int src = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return isola_err_sys(err, "open \"%s\"", h->dir);
	if (isola_compat_bind(src, d, false, flags, 0, err) < 0)
		return isola_err_prefix(err, "bind \"%s\"", h->dir);
	return 0;
}

static int fresh_cgroup(const struct cg_hier *h, uint64_t attr, struct isola_error *err)
{
	cleanup_close int fs = fsopen(h->kind == CG_V2 ? "cgroup2" : "cgroup", FSOPEN_CLOEXEC);
	if (fs < 0)
		return isola_err_sys(err, "fsopen cgroup");
	if (h->kind == CG_V1) {
		cleanup_free char *ctrls = strdup(h->controllers);
		bool named_only = strncmp(h->controllers, "name=", 5) == 0;
		/* "none,name=systemd": a named hierarchy without controllers */
		if (named_only && fsconfig(fs, FSCONFIG_SET_FLAG, "none", NULL, 0) < 0)
			return isola_err_sys(err, "cgroup mount option \"none\"");
		for (char *save = NULL, *c = ctrls ? strtok_r(ctrls, ",", &save) : NULL; c;
		     c = strtok_r(NULL, ",", &save)) {
			int r = strncmp(c, "name=", 5) == 0
				    ? fsconfig(fs, FSCONFIG_SET_STRING, "name", c + 5, 0)
				    : fsconfig(fs, FSCONFIG_SET_FLAG, c, NULL, 0);
			if (r < 0)
				return isola_err_sys(err, "cgroup mount option \"%s\"", c);
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return isola_err_sys(err, "create cgroup mount for \"%s\"", h->mount);
	int m = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned int)attr);
	return m < 0 ? isola_err_sys(err, "fsmount cgroup") : m;
}

static int bind_dir(const struct cg_hier *h, uint64_t attr, struct isola_error *err)
{
	struct mount_attr ma = {.attr_set = attr};
	cleanup_close int m = open_tree(AT_FDCWD, h->dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0)
		return isola_err_sys(err, "open_tree \"%s\"", h->dir);
	if (attr && mount_setattr(m, "", AT_EMPTY_PATH, &ma, sizeof(ma)) < 0)
		return isola_err_sys(err, "mount_setattr \"%s\"", h->dir);
	return steal_fd(m);
}

/* Mount h's view onto the directory d->fd. */
static int mount_hier(const struct cg_hier *h, const struct isola_mnt_dst *d, bool fresh,
		      unsigned long flags, struct isola_error *err)
{
	uint64_t attr = isola_mount_flags_to_attr(flags);
	flags &= MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (isola_mount_compat())
		return fresh ? compat_fresh(h, d, flags, err) : compat_bind(h, d, flags, err);
	int target = d->fd;
	cleanup_close int m = fresh ? fresh_cgroup(h, attr, err) : bind_dir(h, attr, err);
	if (m < 0)
		return -1;
	if (move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return isola_err_sys(err, "move_mount cgroup \"%s\"", h->mount);
	return 0;
}

/* "cpu,cpuacct" gets "cpu" and "cpuacct" symlinks, as on the host. */
static int add_links(int root, const char *name, struct isola_error *err)
{
	if (!strchr(name, ','))
		return 0;
	cleanup_free char *copy = strdup(name);
	for (char *save = NULL, *c = copy ? strtok_r(copy, ",", &save) : NULL; c;
	     c = strtok_r(NULL, ",", &save))
		if (!strchr(c, '=') && symlinkat(name, root, c) < 0 && errno != EEXIST)
			return isola_err_sys(err, "symlink cgroup \"%s\"", c);
	return 0;
}

static int compat_hier(const struct cg_hier *h, int root, const char *name, bool fresh,
		       unsigned long flags, struct isola_error *err)
{
	cleanup_close int t = openat(root, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0)
		return isola_err_sys(err, "open cgroup \"%s\"", name);
	struct isola_mnt_dst d = {.fd = t, .rootfd = root, .path = name};
	return mount_hier(h, &d, fresh, flags, err);
}

/*
 * New-API form: the tree goes straight onto root/name (one plain name in the
 * tmpfs we just made, trailing symlinks not followed), and its attributes
 * come with the one recursive mount_setattr mount_v1 does at the end.
 */
static int attach_hier(const struct cg_hier *h, int root, const char *name, bool fresh,
		       struct isola_error *err)
{
	cleanup_close int m =
	    fresh ? fresh_cgroup(h, 0, err)
		  : open_tree(AT_FDCWD, h->dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0)
		return fresh ? -1 : isola_err_sys(err, "open_tree \"%s\"", h->dir);
	if (move_mount(m, "", root, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return isola_err_sys(err, "move_mount cgroup \"%s\"", h->mount);
	return 0;
}

/*
 * The same bind in one mount(2) instead of open_tree + move_mount + close
 * (27 calls less over 9 hierarchies): only when mkdirat just made root/name,
 * a directory in our fresh tmpfs that nothing else can reach yet, so the
 * path through /proc/self/fd can't meet a symlink. h->dir is the host's.
 */
static int bind_new_dir(const struct cg_hier *h, int root, const char *name,
			struct isola_error *err)
{
	char target[64 + 256];
	if (strlen(name) >= 256)
		return isola_err(err, ISOLA_ERR_INVALID, ENAMETOOLONG, "cgroup \"%s\"", name);
	snprintf(target, sizeof(target), "/proc/self/fd/%d/%s", root, name);
	if (mount(h->dir, target, NULL, MS_BIND, NULL) < 0)
		return isola_err_sys(err, "bind cgroup \"%s\"", h->dir);
	return 0;
}

static int populate_v1(const struct isola_cgroup *cg, int root, unsigned long flags,
		       struct isola_error *err)
{
	/* one cgroup namespace covers every hierarchy: ask once */
	bool fresh = in_own_cgroupns(&cg->h[0]);
	bool compat = isola_mount_compat();
	for (size_t i = 0; i < cg->nh; i++) {
		const struct cg_hier *h = &cg->h[i];
		const char *name = strrchr(h->mount, '/') ? strrchr(h->mount, '/') + 1 : h->mount;
		bool made = mkdirat(root, name, 0755) == 0;
		if (!made && errno != EEXIST)
			return isola_err_sys(err, "mkdir cgroup \"%s\"", name);
		int r = compat		 ? compat_hier(h, root, name, fresh, flags, err)
			: made && !fresh ? bind_new_dir(h, root, name, err)
					 : attach_hier(h, root, name, fresh, err);
		if (r < 0 || add_links(root, name, err) < 0)
			return -1;
	}
	return 0;
}

/* mount(2) form of mount_v1: the tmpfs is mounted first, then found again by path. */
static int compat_v1(const struct isola_cgroup *cg, const struct isola_mnt_dst *d,
		     unsigned long flags, struct isola_error *err)
{
	unsigned long tflags = flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
	cleanup_close int m = isola_compat_fs("tmpfs", "tmpfs", tflags, "mode=755", d, true, err);
	if (m < 0)
		return isola_err_prefix(err, "tmpfs for /sys/fs/cgroup");
	if (populate_v1(cg, m, flags, err) < 0)
		return -1;
	if ((flags & MS_RDONLY) && isola_compat_remount(m, MS_RDONLY, 0, err) < 0)
		return isola_err_prefix(err, "make /sys/fs/cgroup read-only");
	return 0;
}

static int mount_v1(const struct isola_cgroup *cg, const struct isola_mnt_dst *d,
		    unsigned long flags, struct isola_error *err)
{
	uint64_t attr = isola_mount_flags_to_attr(flags);
	struct mount_attr all = {.attr_set = attr};
	if (isola_mount_compat())
		return compat_v1(cg, d, flags, err);
	cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC), m = -1;
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return isola_err_sys(err, "create tmpfs for /sys/fs/cgroup");
	m = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned int)(attr & ~(uint64_t)MOUNT_ATTR_RDONLY));
	if (m < 0)
		return isola_err_sys(err, "fsmount tmpfs");
	if (move_mount(m, "", d->fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return isola_err_sys(err, "move_mount tmpfs for /sys/fs/cgroup");
	if (populate_v1(cg, m, flags, err) < 0)
		return -1;
	/* the tmpfs and every hierarchy on it at once; read-only only now: mkdir came first */
	if (attr && mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &all, sizeof(all)) < 0)
		return isola_err_sys(err, "set attributes of /sys/fs/cgroup");
	return 0;
}

int isola_cgroup_mount_at(const struct isola_cgroup *cg, int dirfd, int rootfd, const char *path,
			  unsigned long flags, struct isola_error *err)
{
	struct isola_mnt_dst d = {.fd = dirfd, .rootfd = rootfd, .path = path};
	if (cg->disabled || cg->nh == 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "no cgroups for this container: nothing to mount");
	if (cg->layout == CG_LAYOUT_V2 && cg->nh == 1)
		return mount_hier(&cg->h[0], &d, in_own_cgroupns(&cg->h[0]), flags, err);
	return mount_v1(cg, &d, flags, err);
}

int isola_cgroup_mount(const struct isola_cgroup *cg, int dirfd, unsigned long flags,
		       struct isola_error *err)
{
	return isola_cgroup_mount_at(cg, dirfd, -1, NULL, flags, err);
}
