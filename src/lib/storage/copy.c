/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "storage/storage.h"

/* Hard links inside one copy: the first path copied for each (dev, ino). */
struct link_map {
	struct {
		dev_t dev;
		ino_t ino;
		int dirfd;
		char *name;
	} * v;
	size_t n;
};

struct copy_ctx {
	int mode;
	struct link_map links;
};

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static int copy_xattrs(int sfd, int dfd, int mode, struct isola_error *err)
{
	char names[65536], value[65536];
	ssize_t len = flistxattr(sfd, names, sizeof(names));
	if (len <= 0)
		return 0;
	for (char *n = names; n < names + len; n += strlen(n) + 1) {
		if (mode == ISOLA_COPY_APPLY && !strncmp(n, "trusted.overlay.", 16))
			continue;
		ssize_t vlen = fgetxattr(sfd, n, value, sizeof(value));
		if (vlen < 0)
			continue;
		if (fsetxattr(dfd, n, value, (size_t)vlen, 0) < 0 && errno != ENOTSUP)
			return isola_err_sys(err, "set xattr %s", n);
	}
	return 0;
}

static void copy_times_at(int dirfd, const char *name, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW);
}

static int copy_meta(int sfd, int dfd, const struct stat *st, int mode, struct isola_error *err)
{
	if (fchown(dfd, st->st_uid, st->st_gid) < 0)
		return isola_err_sys(err, "chown");
	if (fchmod(dfd, st->st_mode & 07777) < 0)
		return isola_err_sys(err, "chmod");
	return copy_xattrs(sfd, dfd, mode, err);
}

static int copy_data(int sfd, int dfd, off_t size, struct isola_error *err)
{
	while (size > 0) {
		ssize_t n = copy_file_range(sfd, NULL, dfd, NULL, (size_t)size, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP))
			n = sendfile(dfd, sfd, NULL, (size_t)size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return isola_err_sys(err, "copy data");
		if (n == 0)
			break;
		size -= n;
	}
	return 0;
}

static int copy_regular(int sdir, int ddir, const char *name, const struct stat *st, int mode,
			struct isola_error *err)
{
	cleanup_close int sfd = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int dfd =
	    openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sfd < 0 || dfd < 0)
		return isola_err_sys(err, "copy \"%s\"", name);
	if (copy_data(sfd, dfd, st->st_size, err) < 0 || copy_meta(sfd, dfd, st, mode, err) < 0)
		return isola_err_prefix(err, "\"%s\"", name);
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	futimens(dfd, ts);
	return 0;
}

static int link_seen(struct copy_ctx *c, int ddir, const char *name, const struct stat *st,
		     struct isola_error *err)
{
	for (size_t i = 0; i < c->links.n; i++) {
		if (c->links.v[i].dev != st->st_dev || c->links.v[i].ino != st->st_ino)
			continue;
		if (linkat(c->links.v[i].dirfd, c->links.v[i].name, ddir, name, 0) < 0)
			return isola_err_sys(err, "hard link \"%s\"", name);
		return 1;
	}
	return 0;
}

static void link_remember(struct copy_ctx *c, int ddir, const char *name, const struct stat *st)
{
	void *v = realloc(c->links.v, (c->links.n + 1) * sizeof(*c->links.v));
	int fd = fcntl(ddir, F_DUPFD_CLOEXEC, 3);
	if (!v || fd < 0) {
		if (fd >= 0)
			close(fd);
		c->links.v = v ? v : c->links.v;
		return;
	}
	c->links.v = v;
	c->links.v[c->links.n].dev = st->st_dev;
	c->links.v[c->links.n].ino = st->st_ino;
	c->links.v[c->links.n].dirfd = fd;
	c->links.v[c->links.n].name = strdup(name);
	c->links.n++;
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, struct isola_error *err);

static int copy_subdir(struct copy_ctx *c, int sdir, int ddir, const char *name,
		       const struct stat *st, struct isola_error *err)
{
	cleanup_close int sfd = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return isola_err_sys(err, "open \"%s\"", name);
	char opaque = 0;
	if (c->mode == ISOLA_COPY_APPLY &&
	    fgetxattr(sfd, "trusted.overlay.opaque", &opaque, 1) == 1 && opaque == 'y' &&
	    isola_rmtree_at(ddir, name, err) < 0)
		return -1;
	if (mkdirat(ddir, name, 0700) < 0 && errno != EEXIST)
		return isola_err_sys(err, "mkdir \"%s\"", name);
	cleanup_close int dfd = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return isola_err_sys(err, "open \"%s\"", name);
	if (copy_dir(c, sfd, dfd, err) < 0 || copy_meta(sfd, dfd, st, c->mode, err) < 0)
		return isola_err_prefix(err, "\"%s\"", name);
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	futimens(dfd, ts);
	return 0;
}

static int copy_special(int sdir, int ddir, const char *name, const struct stat *st,
			struct isola_error *err)
{
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return isola_err_sys(err, "readlink \"%s\"", name);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return isola_err_sys(err, "symlink \"%s\"", name);
	} else if (mknodat(ddir, name, st->st_mode, st->st_rdev) < 0) {
		return isola_err_sys(err, "mknod \"%s\"", name);
	}
	if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return isola_err_sys(err, "chown \"%s\"", name);
	if (!S_ISLNK(st->st_mode) && fchmodat(ddir, name, st->st_mode & 07777, 0) < 0)
		return isola_err_sys(err, "chmod \"%s\"", name);
	copy_times_at(ddir, name, st);
	return 0;
}

static int copy_entry(struct copy_ctx *c, int sdir, int ddir, const char *name,
		      struct isola_error *err)
{
	struct stat st, dst;
	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return isola_err_sys(err, "stat \"%s\"", name);
	bool dst_is_dir =
	    fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(dst.st_mode);
	if (c->mode == ISOLA_COPY_APPLY && is_whiteout(&st))
		return isola_rmtree_at(ddir, name, err);
	if (!(S_ISDIR(st.st_mode) && dst_is_dir) && isola_rmtree_at(ddir, name, err) < 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return copy_subdir(c, sdir, ddir, name, &st, err);
	if (!S_ISREG(st.st_mode))
		return copy_special(sdir, ddir, name, &st, err);
	if (st.st_nlink > 1) {
		int r = link_seen(c, ddir, name, &st, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
		link_remember(c, ddir, name, &st);
	}
	return copy_regular(sdir, ddir, name, &st, c->mode, err);
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, struct isola_error *err)
{
	int fd = fcntl(sfd, F_DUPFD_CLOEXEC, 3);
	cleanup_closedir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return isola_err_sys(err, "read directory");
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (copy_entry(c, sfd, dfd, de->d_name, err) < 0)
			return -1;
	}
	return 0;
}

int isola_copy_tree(int srcfd, int dstfd, int mode, struct isola_error *err)
{
	struct copy_ctx c = {.mode = mode};
	struct stat st;
	int r = copy_dir(&c, srcfd, dstfd, err);
	if (r == 0 && fstat(srcfd, &st) == 0)
		r = copy_meta(srcfd, dstfd, &st, mode, err);
	for (size_t i = 0; i < c.links.n; i++) {
		close(c.links.v[i].dirfd);
		free(c.links.v[i].name);
	}
	free(c.links.v);
	return r;
}
