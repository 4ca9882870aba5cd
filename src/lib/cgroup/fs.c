/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers over cgroupfs files. Every fd O_CLOEXEC; errors name the path. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/strbuild.h"

char *cg_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	size_t sep = *b && !(la == 1 && a[0] == '/'), lb = strlen(b);
	char *p = malloc(la + sep + lb + 1);
	if (!p)
		return NULL;
	memcpy(p, a, la);
	p[la] = '/';
	memcpy(p + la + sep, b, lb + 1);
	return p;
}

int cg_write(const char *dir, const char *file, const char *val, struct isola_error *err)
{
	cleanup_free char *p = cg_path_join(dir, file);
	cleanup_close int fd = -1;
	if (!p)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "path");
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", p);
	/* cgroupfs parses one write() as one value: never split it */
	size_t len = strlen(val);
	ssize_t w = write(fd, val, len);
	if (w < 0)
		return isola_err_sys(err, "write \"%s\" to \"%s\"", val, p);
	if ((size_t)w != len)
		return isola_err(err, ISOLA_ERR_SYSTEM, EIO, "short write to \"%s\"", p);
	return 0;
}

int cg_writef(const char *dir, const char *file, struct isola_error *err, const char *fmt, ...)
{
	cleanup_free char *val = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "format");
	return cg_write(dir, file, val, err);
}

/*
 * A single-record file (a cgroup attribute, /proc/self/cgroup): the kernel
 * hands its whole text to the first read when it fits, so a short read is
 * the end and the read that would return 0 is skipped. Longer: cg_read.
 */
char *cg_read_value(const char *dir, const char *file, struct isola_error *err)
{
	char path[4096], buf[4096];
	char *end = path + sizeof(path);
	if (isola_stpecpy(isola_stpechr(isola_stpecpy(path, end, dir), end, '/'), end, file) == end)
		return cg_read(dir, file, err);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		isola_err_sys(err, "open \"%s\"", path);
		return NULL;
	}
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		isola_err_sys(err, "read \"%s\"", path);
		return NULL;
	}
	if ((size_t)n == sizeof(buf))
		return cg_read(dir, file, err);
	char *s = strndup(buf, (size_t)n);
	if (!s)
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "read \"%s\"", path);
	return s;
}

char *cg_read(const char *dir, const char *file, struct isola_error *err)
{
	cleanup_free char *p = cg_path_join(dir, file);
	cleanup_close int fd = -1;
	size_t cap = 4096, len = 0;
	char *buf;
	if (!p) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "path");
		return NULL;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		isola_err_sys(err, "open \"%s\"", p);
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			isola_err_sys(err, "read \"%s\"", p);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len + 1 == cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (!buf) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "read \"%s\"", p);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

bool cg_file_exists(const char *dir, const char *file)
{
	cleanup_free char *p = cg_path_join(dir, file);
	return p && access(p, F_OK) == 0;
}

int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out)
{
	cleanup_free char *s = cg_read(dir, file, NULL);
	size_t kl = strlen(key);
	if (!s)
		return -1;
	for (char *line = s; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			*out = strtoull(line + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -1;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out)
{
	cleanup_free char *s = cg_read(dir, file, NULL);
	if (!s)
		return -1;
	if (strncmp(s, "max", 3) == 0)
		*out = UINT64_MAX;
	else
		*out = strtoull(s, NULL, 10);
	return 0;
}

long cg_backoff(int attempt)
{
	long ms = attempt < 4 ? 1L << attempt : 10;
	if (ms > 10)
		ms = 10;
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
	return ms;
}

static int add_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap, struct isola_error *err)
{
	cleanup_free char *s = cg_read(dir, "cgroup.procs", err);
	if (!s)
		return -1;
	for (char *p = s; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 32;
			pid_t *np = realloc(*pids, nc * sizeof(*np));
			if (!np)
				return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "pids");
			*pids = np;
			*cap = nc;
		}
		(*pids)[(*n)++] = (pid_t)v;
		p = end;
		while (*p == '\n')
			p++;
	}
	return 0;
}

int cg_read_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap, struct isola_error *err)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;
	if (add_pids(dir, pids, n, cap, err) < 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : isola_err_sys(err, "opendir \"%s\"", dir);
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		cleanup_free char *sub = cg_path_join(dir, de->d_name);
		if (!sub || cg_read_pids(sub, pids, n, cap, err) < 0)
			return -1;
	}
	return 0;
}

int cg_rmdir_tree(const char *dir)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		cleanup_free char *sub = cg_path_join(dir, de->d_name);
		if (!sub || cg_rmdir_tree(sub) < 0)
			return -1;
	}
	if (rmdir(dir) < 0 && errno != ENOENT)
		return -1;
	return 0;
}
