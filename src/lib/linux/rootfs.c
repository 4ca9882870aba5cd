/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/dev.h"
#include "linux/mounts.h"
#include "linux/ns.h"
#include "linux/rootfs.h"

/*
 * The container's /dev/null, opened without following links and checked to
 * be the real character device 1:3. Masked files are covered with it by fd:
 * a /dev/null swapped for a symlink or another node would otherwise make the
 * "masked" path a door to something else (CVE-2025-31133).
 */
static int open_devnull(int rootfd, struct isola_error *err)
{
	cleanup_close int fd = isola_open_in_root(rootfd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return isola_err_sys(err, "open /dev/null");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "/dev/null is not the null device");
	return steal_fd(fd);
}

/* The mount point holding path: the longest mountinfo mount point that is its prefix. */
static int make_parent_private(const char *path, struct isola_error *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL, *best = NULL;
	size_t cap = 0, best_len = 0;
	if (!f)
		return isola_err_sys(err, "open mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *tok = strtok_r(line, " ", &save);
		for (int i = 1; tok && i < 5; i++)
			tok = strtok_r(NULL, " ", &save); /* field 5: the mount point */
		if (!tok)
			continue;
		size_t n = strlen(tok);
		bool prefix = strcmp(tok, "/") == 0 ||
			      (strncmp(path, tok, n) == 0 && (path[n] == '/' || path[n] == '\0'));
		if (prefix && n >= best_len) {
			free(best);
			best = strdup(tok);
			best_len = n;
		}
	}
	if (best && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
		return isola_err_sys(err, "make \"%s\" private", best);
	return 0;
}

/*
 * The host's mount namespace, or one joined by path: we only chroot. A mount
 * made there would outlive the container, or change another's view.
 */
static bool own_mntns(const struct isola_config *c)
{
	return (isola_ns_new_flags(c) & CLONE_NEWNS) != 0;
}

static int open_rootfs(struct isola_rootfs *r, struct isola_error *err)
{
	r->rootfd = open(r->config->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->rootfd < 0)
		return isola_err_sys(err, "open rootfs \"%s\"", r->config->root_path);
	return 0;
}

int isola_rootfs_prepare(struct isola_rootfs *r, struct isola_error *err)
{
	const struct isola_config *c = r->config;
	r->rootfd = r->devnull = -1;
	if (!own_mntns(c))
		return open_rootfs(r, err);
	/*
	 * Nothing we mount may propagate back to the host, unless the config asks
	 * for a shared rootfs (then the host's shared mounts stay peers here, so
	 * rshared binds reach the host). Other values are applied after pivot_root.
	 */
	bool shared = (c->rootfs_propagation & MS_SHARED) != 0;
	unsigned long prop = shared ? c->rootfs_propagation : MS_REC | MS_SLAVE;
	if (mount(NULL, "/", NULL, prop, NULL) < 0)
		return isola_err_sys(err, "set propagation of /");
	/* pivot_root refuses a new root whose parent mount is shared. */
	if (shared && make_parent_private(c->root_path, err) < 0)
		return -1;
	/* pivot_root needs the new root to be a mount point. */
	if (mount(c->root_path, c->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, errno, "bind rootfs \"%s\"", c->root_path);
	if (open_rootfs(r, err) < 0)
		return -1;

	struct isola_mount_ctx mctx = {
	    .rootfd = r->rootfd, .bundle = c->bundle, .cg = r->cg, .in_userns = r->in_userns};
	for (size_t i = 0; i < c->n_mounts; i++)
		if (isola_mount_one(&mctx, &c->mounts[i], r->idmap_fds ? r->idmap_fds[i] : -1,
				    err) < 0)
			return isola_err_prefix(err, "mounts[%zu]", i);
	return isola_dev_setup(r->rootfd, c, r->in_userns, err);
}

/*
 * Make the old root's tree a slave, so the lazy unmount does not propagate to
 * the host. By fd: a path lookup of "." after pivot_root(".", ".") names the
 * new root's mount, not the old root stacked on it, and would turn the
 * container's own shared mounts (rshared binds) into slaves.
 */
static int old_root_slave(int oldroot, struct isola_error *err)
{
	struct mount_attr attr = {.propagation = MS_SLAVE};
	if (!isola_mount_compat() &&
	    sys_mount_setattr(oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return isola_err_sys(err, "make old root slave");
	return 0;
}

static int do_pivot(int rootfd, struct isola_error *err)
{
	/* pivot_root(".", "."): the old root ends up stacked on "/" and is detached. */
	cleanup_close int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return isola_err_sys(err, "open old root");
	if (fchdir(rootfd) < 0)
		return isola_err_sys(err, "chdir to rootfs");
	if (sys_pivot_root(".", ".") < 0)
		return isola_err_sys(err, "pivot_root");
	if (old_root_slave(oldroot, err) < 0)
		return -1;
	if (umount2(".", MNT_DETACH) < 0)
		return isola_err_sys(err, "detach old root");
	if (chdir("/") < 0)
		return isola_err_sys(err, "chdir /");
	return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo: undo it in place. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* a == b or a lies below b. */
static bool path_within(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (n == 1 && b[0] == '/')
		return true;
	return strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

/* Field 5 of a mountinfo line, the mount point (unescaped), and the type after " - ". */
static char *parse_mountinfo(char *line, const char **fstype)
{
	char *sep = strstr(line, " - ");
	char *save = NULL, *tok = strtok_r(line, " ", &save);
	*fstype = "";
	for (int i = 1; tok && i < 5; i++)
		tok = strtok_r(NULL, " ", &save);
	if (!tok || !sep)
		return NULL;
	*fstype = strtok_r(sep + 3, " ", &save);
	if (!*fstype)
		*fstype = "";
	unescape_octal(tok);
	return tok;
}

/*
 * A mount we may not detach (locked, in a user namespace): a procfs or sysfs
 * gets an empty read-only tmpfs on top, which then counts as a locked child
 * that makes it not fully visible. ENOENT: gone with a parent detached before.
 */
static int detach_one(const char *mp, const char *fstype, bool shared, struct isola_error *err)
{
	if (shared && mount(NULL, mp, NULL, MS_REC | MS_SLAVE, NULL) < 0 && errno != EINVAL &&
	    errno != ENOENT)
		return isola_err_sys(err, "make \"%s\" a slave", mp);
	if (umount2(mp, MNT_DETACH | UMOUNT_NOFOLLOW) == 0 || errno == ENOENT)
		return 0;
	if (errno != EINVAL)
		return isola_err_sys(err, "detach host mount \"%s\"", mp);
	if (strcmp(fstype, "proc") != 0 && strcmp(fstype, "sysfs") != 0)
		return 0;
	if (mount("tmpfs", mp, "tmpfs", MS_RDONLY, "size=0k") < 0 && errno != ENOENT)
		return isola_err_sys(err, "cover host %s \"%s\"", fstype, mp);
	return 0;
}

/*
 * With chroot the host's tree stays in our mount namespace under the new
 * root, and the kernel lets a user namespace mount a new procfs or sysfs
 * whenever a fully visible one exists anywhere in the namespace
 * (mnt_already_visible): the host's /proc and /sys would let the container
 * mount an unmasked procfs. Detach every mount that is neither inside the
 * rootfs nor on the path down to it. With a shared "/" the unmounts would
 * reach the host's peers: each tree is made a slave first.
 */
static int detach_outside(int rootfd, bool shared, struct isola_error *err)
{
	char fdp[32], root[4096];
	/* The path as mountinfo spells it: root.path may go through symlinks. */
	ssize_t n = readlink(isola_fd_path(rootfd, fdp), root, sizeof(root) - 1);
	if (n < 0)
		return isola_err_sys(err, "read rootfs path");
	root[n] = '\0';
	/* Read whole before changing the table it lists. */
	cleanup_free char *info = NULL, *gone = NULL;
	size_t len;
	if (isola_read_file_at(AT_FDCWD, "/proc/self/mountinfo", &info, &len, err) < 0)
		return -1;
	char *save = NULL;
	for (char *line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *fstype;
		char *mp = parse_mountinfo(line, &fstype);
		if (!mp || path_within(mp, root) || path_within(root, mp) ||
		    (gone && path_within(mp, gone)))
			continue;
		if (detach_one(mp, fstype, shared, err) < 0)
			return -1;
		free(gone);
		gone = strdup(mp);
	}
	return 0;
}

static int do_chroot(const struct isola_config *c, int rootfd, struct isola_error *err)
{
	bool own = own_mntns(c);
	if (own && detach_outside(rootfd, (c->rootfs_propagation & MS_SHARED) != 0, err) < 0)
		return -1;
	if (fchdir(rootfd) < 0)
		return isola_err_sys(err, "chdir to rootfs");
	if (own && mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return isola_err_sys(err, "move rootfs to /");
	if (chroot(".") < 0)
		return isola_err_sys(err, "chroot");
	if (chdir("/") < 0)
		return isola_err_sys(err, "chdir /");
	return 0;
}

int isola_rootfs_pivot(struct isola_rootfs *r, struct isola_error *err)
{
	bool chroot_only = r->no_pivot || !own_mntns(r->config);
	int rc = chroot_only ? do_chroot(r->config, r->rootfd, err) : do_pivot(r->rootfd, err);
	close(r->rootfd);
	/* From now on "/" is the container's root: resolve everything against it. */
	r->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rc == 0 && r->rootfd < 0)
		return isola_err_sys(err, "open new root");
	return rc;
}

static int mask_path(struct isola_rootfs *r, const char *path, struct isola_error *err)
{
	cleanup_close int fd = isola_open_in_root(r->rootfd, path, O_PATH | O_NOFOLLOW, 0, err);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return isola_err_sys(err, "stat \"%s\"", path);
	struct isola_mnt_dst d = {.fd = fd, .rootfd = r->rootfd, .path = path};
	if (!S_ISDIR(st.st_mode))
		return isola_bind_fd_at(r->devnull, &d, false, MOUNT_ATTR_RDONLY, err);
	char target[32];
	if (mount("tmpfs", isola_fd_path(fd, target), "tmpfs", MS_RDONLY, "size=0k") < 0)
		return isola_err_sys(err, "mask \"%s\"", path);
	return 0;
}

static int readonly_path(struct isola_rootfs *r, const char *path, struct isola_error *err)
{
	cleanup_close int fd = isola_open_in_root(r->rootfd, path, O_PATH | O_NOFOLLOW, 0, err);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct isola_mnt_dst d = {.fd = fd, .rootfd = r->rootfd, .path = path};
	return isola_bind_fd_at(
	    fd, &d, true,
	    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err);
}

static int make_root_readonly(int rootfd, struct isola_error *err)
{
	if (isola_mount_compat()) {
		if (isola_compat_remount(rootfd, MS_RDONLY, 0, err) < 0)
			return isola_err_prefix(err, "make root read-only");
		return 0;
	}
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (sys_mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
		return isola_err_sys(err, "make root read-only");
	return 0;
}

int isola_rootfs_finalize(struct isola_rootfs *r, struct isola_error *err)
{
	const struct isola_config *c = r->config;
	if (!own_mntns(c))
		return 0; /* what it would do is refused at create (runtime/create.c) */
	if (c->masked_paths && c->masked_paths[0] &&
	    (r->devnull = open_devnull(r->rootfd, err)) < 0)
		return isola_err_prefix(err, "linux.maskedPaths");
	for (char **p = c->masked_paths; p && *p; p++)
		if (mask_path(r, *p, err) < 0)
			return isola_err_prefix(err, "linux.maskedPaths");
	for (char **p = c->readonly_paths; p && *p; p++)
		if (readonly_path(r, *p, err) < 0)
			return isola_err_prefix(err, "linux.readonlyPaths");
	if (isola_dev_seal(r->rootfd, c, err) < 0)
		return -1;
	if (c->root_readonly && make_root_readonly(r->rootfd, err) < 0)
		return -1;
	if (c->rootfs_propagation && mount(NULL, "/", NULL, c->rootfs_propagation, NULL) < 0)
		return isola_err_sys(err, "set rootfs propagation");
	return 0;
}

void isola_rootfs_release(struct isola_rootfs *r)
{
	if (r->rootfd >= 0)
		close(r->rootfd);
	if (r->devnull >= 0)
		close(r->devnull);
	r->rootfd = r->devnull = -1;
}
