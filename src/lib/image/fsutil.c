/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "image/fsutil.h"

char *isola_read_small_file_at(int dirfd, const char *name, size_t max, size_t *len,
			       struct isola_error *err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM, errno,
			  "open \"%s\"", name);
		return NULL;
	}
	size_t cap = 4096, n = 0;
	cleanup_free char *buf = malloc(cap + 1);
	if (!buf) {
		isola_err_sys(err, "read \"%s\"", name);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				isola_err(err, ISOLA_ERR_INVALID, 0, "\"%s\": file too large",
					  name);
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				isola_err_sys(err, "read \"%s\"", name);
				return NULL;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			isola_err_sys(err, "read \"%s\"", name);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return steal_ptr(buf);
}

int isola_mkdirs_at(int dirfd, const char *path, mode_t mode, struct isola_error *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "path too long: \"%s\"", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(dirfd, buf, mode) < 0 && errno != EEXIST)
			return isola_err_sys(err, "mkdir \"%s\"", buf);
		*p = c;
		if (c == '\0')
			break;
	}
	struct stat st;
	if (fstatat(dirfd, buf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return isola_err(err, ISOLA_ERR_INVALID, ENOTDIR, "\"%s\"", path);
	return 0;
}

int isola_fsync_dir_at(int dirfd, const char *name)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	return fsync(fd);
}

long long isola_tree_size_at(int dfd, const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	long long total = (long long)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode))
		return total;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return total;
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return total;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			total += isola_tree_size_at(dirfd(d), de->d_name);
	}
	return total;
}
