/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"

int isola_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t isola_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int isola_read_file_at(int dirfd, const char *path, char **out, size_t *len,
		       struct isola_error *err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", path);
	size_t cap = 4096, n = 0;
	cleanup_free char *buf = malloc(cap);
	if (!buf)
		return isola_err_sys(err, "alloc");
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				return isola_err_sys(err, "alloc");
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return isola_err_sys(err, "read \"%s\"", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	*out = steal_ptr(buf);
	return 0;
}

int isola_write_file_at(int dirfd, const char *path, const char *data, size_t len,
			struct isola_error *err)
{
	cleanup_close int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", path);
	if (isola_write_all(fd, data, len) < 0)
		return isola_err_sys(err, "write \"%s\"", path);
	return 0;
}

int isola_write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			    bool durable, struct isola_error *err)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	cleanup_close int fd =
	    openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return isola_err_sys(err, "create \"%s\"", tmp);
	if (isola_write_all(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		isola_err_sys(err, "write \"%s\"", tmp);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, path) < 0) {
		isola_err_sys(err, "rename \"%s\"", tmp);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (durable) {
		/* The rename itself must reach the disk too. */
		cleanup_close int d = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d >= 0)
			fsync(d);
	}
	return 0;
}

size_t isola_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int isola_parse_u64(const char *s, unsigned long long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

long long isola_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). glibc's
 * gmtime_r reads /etc/localtime on first use: 7 syscalls per container.
 */
static void civil(long long days, int *y, unsigned *m, unsigned *d)
{
	days += 719468;
	long long era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void isola_rfc3339(const struct timespec *ts, bool nanos, char *buf, size_t len)
{
	long long secs = (long long)ts->tv_sec;
	long long days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	long long rem = secs - days * 86400;
	int y;
	unsigned m, d;
	civil(days, &y, &m, &d);
	int n = snprintf(buf, len, "%04d-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, rem / 3600,
			 rem / 60 % 60, rem % 60);
	if (n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, nanos ? ".%09ldZ" : "Z", ts->tv_nsec);
}

static int rmtree_children(int fd, struct isola_error *err)
{
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return isola_err_sys(err, "opendir");
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (isola_rmtree_at(dirfd(d), de->d_name, err) < 0)
			return -1;
	}
	return 0;
}

int isola_rmtree_at(int dirfd, const char *name, struct isola_error *err)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return isola_err_sys(err, "remove \"%s\"", name);
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open \"%s\"", name);
	if (rmtree_children(fd, err) < 0)
		return isola_err_prefix(err, "\"%s\"", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return isola_err_sys(err, "rmdir \"%s\"", name);
	return 0;
}
