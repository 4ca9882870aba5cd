/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"

static int sys_openat2(int dirfd, const char *path, int flags, mode_t mode, unsigned long resolve)
{
	struct open_how how = {
		.flags = (unsigned long)flags | O_CLOEXEC,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = resolve,
	};
	int fd;
	/* EAGAIN: the kernel saw a concurrent rename/mount and wants a retry. */
	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd;
}

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static const char *skip_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

int isola_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
		       struct isola_error *err)
{
	const char *rel = skip_slashes(path);
	int fd = sys_openat2(rootfd, *rel ? rel : ".", flags, mode, IN_ROOT);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);
	return fd;
}

/* Walk path one component at a time, creating what is missing. */
int isola_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct isola_error *err)
{
	const char *rel = skip_slashes(path);
	cleanup_close int cur = sys_openat2(rootfd, *rel ? rel : ".", O_PATH | O_DIRECTORY, 0,
					    IN_ROOT);
	if (cur >= 0)
		return steal_fd(cur);
	if (errno != ENOENT)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);

	cur = sys_openat2(rootfd, ".", O_PATH | O_DIRECTORY, 0, IN_ROOT);
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
		int next = sys_openat2(cur, comp, O_PATH | O_DIRECTORY, 0, IN_ROOT);
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
	int fd = sys_openat2(rootfd, rel, O_PATH, 0, IN_ROOT);
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
	cleanup_close int f = openat(dfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				     mode);
	if (f < 0 && errno != EEXIST)
		return isola_err_sys(err, "create \"%s\" in rootfs", path);
	fd = sys_openat2(dfd, base, O_PATH, 0, IN_ROOT);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\" in rootfs", path);
	return fd;
}

const char *isola_fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}
