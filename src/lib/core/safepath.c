/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/sys.h"

static int open_fallback(int dirfd, const char *path, int flags, uint64_t resolve);

static const char *skip_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

int isola_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
	    .flags = (uint64_t)flags | O_CLOEXEC,
	    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
	    .resolve = resolve,
	};
	int fd;
	/* EAGAIN: the kernel saw a concurrent rename/mount and wants a retry. */
	do
		fd = sys_openat2(dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	if (fd < 0 && errno == ENOSYS && (resolve & (RESOLVE_IN_ROOT | RESOLVE_BENEATH)) &&
	    !(flags & O_CREAT))
		return open_fallback(dirfd, path, flags, resolve);
	return fd;
}

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
#define MAX_LINKS 40

struct walk {
	int rootfd;
	uint64_t resolve;
	dev_t dev; /* the root's, for RESOLVE_NO_XDEV */
	int links;
};

/*
 * openat2 is missing (kernel < 5.6, valgrind): resolve one component at a
 * time with O_NOFOLLOW, expanding symlinks ourselves against the root, and
 * clamping ".." at the root (RESOLVE_IN_ROOT) or refusing to leave it
 * (RESOLVE_BENEATH), so the result is what openat2 gives. NO_XDEV compares
 * st_dev only: a bind mount of the same filesystem is not seen.
 */
static int walk_path(struct walk *w, int dirfd, const char *path, bool follow_last);

static int fail(int fd, int e)
{
	if (fd >= 0)
		close(fd);
	errno = e;
	return -1;
}

static int walk_link(struct walk *w, int dirfd, int fd, const char *name, bool rest_follow)
{
	char target[4096];
	if (w->resolve & RESOLVE_NO_SYMLINKS)
		return fail(fd, ELOOP);
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	close(fd);
	if (n < 0)
		return -1;
	target[n] = '\0';
	if (++w->links > MAX_LINKS)
		return fail(-1, ELOOP);
	if (target[0] == '/' && !(w->resolve & RESOLVE_IN_ROOT))
		return fail(-1, EXDEV);
	return walk_path(w, target[0] == '/' ? w->rootfd : dirfd, target, rest_follow);
}

static bool at_root(const struct walk *w, int cur)
{
	struct stat a, b;
	return fstat(cur, &a) == 0 && fstat(w->rootfd, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static int walk_step(struct walk *w, int cur, const char *comp, bool last, bool follow_last)
{
	if (strcmp(comp, "..") == 0 && at_root(w, cur)) {
		/* ".." of the root is the root; beneath it there is no way up. */
		if (!(w->resolve & RESOLVE_IN_ROOT))
			return fail(-1, EXDEV);
		return fcntl(cur, F_DUPFD_CLOEXEC, 0);
	}
	int fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? -1 : (close(fd), -1);
	if ((w->resolve & RESOLVE_NO_XDEV) && st.st_dev != w->dev)
		return fail(fd, EXDEV);
	if (S_ISLNK(st.st_mode) && (!last || follow_last))
		return walk_link(w, cur, fd, comp, true);
	return fd;
}

static int walk_path(struct walk *w, int dirfd, const char *path, bool follow_last)
{
	int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	char comp[256];
	const char *p = skip_slashes(path);
	while (cur >= 0 && *p) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(comp))
			return fail(cur, ENAMETOOLONG);
		memcpy(comp, p, n);
		comp[n] = '\0';
		p = skip_slashes(p + n);
		if (strcmp(comp, ".") == 0)
			continue;
		int next = walk_step(w, cur, comp, *p == '\0', follow_last);
		close(cur);
		cur = next;
	}
	return cur;
}

static int open_fallback(int dirfd, const char *path, int flags, uint64_t resolve)
{
	struct walk w = {.rootfd = dirfd, .resolve = resolve};
	struct stat st;
	if (fstat(dirfd, &st) < 0)
		return -1;
	w.dev = st.st_dev;
	if (path[0] == '/' && !(resolve & RESOLVE_IN_ROOT))
		return fail(-1, EXDEV);
	cleanup_close int fd = walk_path(&w, dirfd, path, !(flags & O_NOFOLLOW));
	if (fd < 0)
		return -1;
	if ((flags & O_DIRECTORY) && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)))
		return fail(-1, ENOTDIR);
	if (flags & O_PATH)
		return steal_fd(fd);
	/* Reopen the resolved object itself, never the path again. */
	char proc[32];
	return open(isola_fd_path(fd, proc), (flags & ~(O_NOFOLLOW | O_CREAT)) | O_CLOEXEC);
}

int isola_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
		       struct isola_error *err)
{
	const char *rel = skip_slashes(path);
	int fd = isola_openat2(rootfd, *rel ? rel : ".", flags, mode, IN_ROOT);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);
	return fd;
}

/* Walk path one component at a time, creating what is missing. */
int isola_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct isola_error *err)
{
	const char *rel = skip_slashes(path);
	cleanup_close int cur =
	    isola_openat2(rootfd, *rel ? rel : ".", O_PATH | O_DIRECTORY, 0, IN_ROOT);
	if (cur >= 0)
		return steal_fd(cur);
	if (errno != ENOENT)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);

	cur = isola_openat2(rootfd, ".", O_PATH | O_DIRECTORY, 0, IN_ROOT);
	if (cur < 0)
		return isola_err_sys(err, "open rootfs");
	char comp[256];
	const char *p = rel;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n >= sizeof(comp))
			return isola_err(err, ISOLA_ERR_INVALID, ENAMETOOLONG, "\"%s\"", path);
		memcpy(comp, p, n);
		comp[n] = '\0';
		p = skip_slashes(p + n);
		if (strcmp(comp, ".") == 0)
			continue;
		/* mkdirat on one plain name under a safely resolved dir can't escape. */
		if (strcmp(comp, "..") != 0 && mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
			return isola_err_sys(err, "mkdir \"%s\" in rootfs", path);
		int next = isola_openat2(cur, comp, O_PATH | O_DIRECTORY, 0, IN_ROOT);
		if (next < 0)
			return isola_err_sys(err, "open \"%s\" in rootfs", path);
		close(cur);
		cur = next;
	}
	return steal_fd(cur);
}

int isola_mkfile_in_root(int rootfd, const char *path, mode_t mode, struct isola_error *err)
{
	const char *rel = skip_slashes(path);
	int fd = isola_openat2(rootfd, rel, O_PATH, 0, IN_ROOT);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);

	const char *slash = strrchr(rel, '/');
	cleanup_free char *dir = strndup(rel, slash ? (size_t)(slash - rel) : 0);
	const char *base = slash ? slash + 1 : rel;
	if (!dir)
		return isola_err_sys(err, "alloc");
	cleanup_close int dfd = isola_mkdir_in_root(rootfd, dir, 0755, err);
	if (dfd < 0)
		return -1;
	/* O_NOFOLLOW|O_EXCL on a single name: a symlink planted here is refused. */
	cleanup_close int f =
	    openat(dfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
	if (f < 0 && errno != EEXIST)
		return isola_err_sys(err, "create \"%s\" in rootfs", path);
	fd = isola_openat2(dfd, base, O_PATH, 0, IN_ROOT);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);
	return fd;
}

const char *isola_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}
