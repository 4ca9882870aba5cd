/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "image/fsutil.h"
#include "image/unpack.h"

#define UNPACK_BUF (128 * 1024)
#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

struct unpack_ctx {
	int fd;
	int destfd;
	struct archive *outer; /* raw format: decompresses */
	struct archive *inner; /* tar format over the outer's bytes */
	struct isola_sha256 compressed, diff;
	const struct isola_progress_sink *progress;
	const char *id;
	int64_t read_total, last_report;
	char outer_err[256];
	char rbuf[UNPACK_BUF];
	char dbuf[UNPACK_BUF];
};

int isola_unpack_clean_path(const char *in, char *out, size_t size, struct isola_error *err)
{
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "unsafe path \"%s\" in layer: \"..\" component", in);
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o + n + 2 > size)
				return isola_err(err, ISOLA_ERR_INVALID, 0,
						 "path too long in layer");
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	out[o] = '\0';
	return 0;
}

static int openat2_in_root(int rootfd, const char *path, int flags)
{
	return isola_openat2(rootfd, *path ? path : ".", flags, 0,
			     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
}

/* Open (creating missing directories as 0755) the parent directory path. */
static int open_parent(int rootfd, char *parent, int flags, struct isola_error *err)
{
	int fd = openat2_in_root(rootfd, parent, flags | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : isola_err_sys(err, "open \"%s\" in layer", parent);
	char *slash = strrchr(parent, '/');
	cleanup_close int up = -1;
	const char *leaf = parent;
	if (slash) {
		*slash = '\0';
		up = open_parent(rootfd, parent, O_PATH, err);
		*slash = '/';
		leaf = slash + 1;
	} else {
		up = openat2_in_root(rootfd, "", O_PATH | O_DIRECTORY);
	}
	if (up < 0)
		return -1;
	if (mkdirat(up, leaf, 0755) < 0 && errno != EEXIST)
		return isola_err_sys(err, "mkdir \"%s\" in layer", parent);
	fd = openat2_in_root(rootfd, parent, flags | O_DIRECTORY);
	return fd >= 0 ? fd : isola_err_sys(err, "open \"%s\" in layer", parent);
}

/* Split "a/b/c" into parent "a/b" and leaf "c" in place. */
static const char *split_leaf(char *path, char **parent)
{
	char *slash = strrchr(path, '/');
	if (!slash) {
		*parent = path + strlen(path); /* "" */
		return path;
	}
	*slash = '\0';
	*parent = path;
	return slash + 1;
}

/* Make room for a new leaf: anything there goes, unless both are directories. */
static int clear_leaf(int pfd, const char *leaf, bool keep_dir, struct isola_error *err)
{
	struct stat st;
	if (fstatat(pfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "stat \"%s\"", leaf);
	if (keep_dir && S_ISDIR(st.st_mode))
		return 1;
	return isola_rmtree_at(pfd, leaf, err);
}

static bool xattr_allowed(const char *name)
{
	/*
	 * trusted.overlay.* from a layer could forge redirects, origins or
	 * metacopy on the lower dirs overlayfs trusts; only our own whiteout
	 * conversion sets overlay xattrs.
	 */
	return strncmp(name, "trusted.overlay.", 16) != 0;
}

static int apply_xattrs(int fd, struct archive_entry *e, struct isola_error *err)
{
	const char *name;
	const void *value;
	size_t size;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!xattr_allowed(name))
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0 && errno != ENOTSUP)
			return isola_err_sys(err, "set xattr %s", name);
	}
	return 0;
}

/* Owner, then mode (chown clears set-id bits), then times; fd is the entry itself. */
static int apply_meta_fd(int fd, struct archive_entry *e, struct isola_error *err)
{
	if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
		return isola_err_sys(err, "chown");
	if (fchmod(fd, archive_entry_perm(e)) < 0)
		return isola_err_sys(err, "chmod");
	if (apply_xattrs(fd, e, err) < 0)
		return -1;
	struct timespec ts[2] = {
	    {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
	    {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
	};
	futimens(fd, ts);
	return 0;
}

static int apply_meta_at(int pfd, const char *leaf, struct archive_entry *e, bool is_link,
			 struct isola_error *err)
{
	if (fchownat(pfd, leaf, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e),
		     AT_SYMLINK_NOFOLLOW) < 0)
		return isola_err_sys(err, "chown");
	if (!is_link && fchmodat(pfd, leaf, archive_entry_perm(e), 0) < 0)
		return isola_err_sys(err, "chmod");
	struct timespec ts[2] = {
	    {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
	    {archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
	};
	utimensat(pfd, leaf, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int write_data(struct unpack_ctx *c, int fd, struct isola_error *err)
{
	const void *buf;
	size_t size;
	la_int64_t offset;
	int r;
	while ((r = archive_read_data_block(c->inner, &buf, &size, &offset)) == ARCHIVE_OK) {
		const char *p = buf;
		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, offset);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return isola_err_sys(err, "write");
			p += n;
			size -= (size_t)n;
			offset += n;
		}
	}
	if (r != ARCHIVE_EOF)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s", archive_error_string(c->inner));
	return 0;
}

static int make_regular(struct unpack_ctx *c, int pfd, const char *leaf, struct archive_entry *e,
			struct isola_error *err)
{
	cleanup_close int fd =
	    openat(pfd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return isola_err_sys(err, "create");
	if (write_data(c, fd, err) < 0)
		return -1;
	if (ftruncate(fd, archive_entry_size(e)) < 0)
		return isola_err_sys(err, "truncate");
	return apply_meta_fd(fd, e, err);
}

static int make_dir(int pfd, const char *leaf, struct archive_entry *e, struct isola_error *err)
{
	if (*leaf && mkdirat(pfd, leaf, 0700) < 0 && errno != EEXIST)
		return isola_err_sys(err, "mkdir");
	cleanup_close int fd =
	    openat(pfd, *leaf ? leaf : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open");
	return apply_meta_fd(fd, e, err);
}

static int make_hardlink(struct unpack_ctx *c, int pfd, const char *leaf, const char *target,
			 struct isola_error *err)
{
	char clean[4096];
	char *tparent;
	if (isola_unpack_clean_path(target, clean, sizeof(clean), err) < 0)
		return -1;
	const char *tleaf = split_leaf(clean, &tparent);
	if (!*tleaf)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "hard link to the layer root");
	cleanup_close int tfd = openat2_in_root(c->destfd, tparent, O_PATH | O_DIRECTORY);
	if (tfd < 0)
		return isola_err_sys(err, "hard link target \"%s\"", target);
	if (linkat(tfd, tleaf, pfd, leaf, 0) < 0)
		return isola_err_sys(err, "hard link to \"%s\"", target);
	return 0;
}

static int make_whiteout(int rootfd, char *parent, int pfd, const char *leaf,
			 struct isola_error *err)
{
	if (!strcmp(leaf, WHITEOUT_OPAQUE)) {
		cleanup_close int dfd = openat2_in_root(rootfd, parent, O_RDONLY | O_DIRECTORY);
		if (dfd < 0)
			return isola_err_sys(err, "open opaque dir");
		if (fsetxattr(dfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
			return isola_err_sys(err, "set trusted.overlay.opaque");
		return 0;
	}
	const char *name = leaf + strlen(WHITEOUT_PREFIX);
	if (!strncmp(name, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) || !*name ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return 0; /* aufs bookkeeping (.wh..wh.plnk, ...): meaningless here */
	if (clear_leaf(pfd, name, false, err) < 0)
		return -1;
	if (mknodat(pfd, name, S_IFCHR | 0000, makedev(0, 0)) < 0)
		return isola_err_sys(err, "create whiteout");
	return 0;
}

static int make_entry(struct unpack_ctx *c, int pfd, const char *leaf, struct archive_entry *e,
		      struct isola_error *err)
{
	mode_t type = archive_entry_filetype(e);
	const char *hardlink = archive_entry_hardlink(e);
	int keep = clear_leaf(pfd, leaf, type == AE_IFDIR && !hardlink, err);
	if (keep < 0)
		return -1;
	if (hardlink)
		return make_hardlink(c, pfd, leaf, hardlink, err);
	switch (type) {
	case AE_IFREG:
		return make_regular(c, pfd, leaf, e, err);
	case AE_IFDIR:
		return make_dir(pfd, leaf, e, err);
	case AE_IFLNK:
		if (symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", pfd, leaf) <
		    0)
			return isola_err_sys(err, "symlink");
		return apply_meta_at(pfd, leaf, e, true, err);
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		if (mknodat(pfd, leaf, type | archive_entry_perm(e), archive_entry_rdev(e)) < 0)
			return isola_err_sys(err, "mknod");
		return apply_meta_at(pfd, leaf, e, false, err);
	default:
		return 0; /* sockets and unknown types are not reproduced */
	}
}

static int unpack_one(struct unpack_ctx *c, struct archive_entry *e, struct isola_error *err)
{
	char path[4096];
	char *parent;
	const char *name = archive_entry_pathname(e);
	if (!name)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "entry without a name in layer");
	if (isola_unpack_clean_path(name, path, sizeof(path), err) < 0)
		return -1;
	if (!*path) /* the layer root itself */
		return archive_entry_filetype(e) == AE_IFDIR ? make_dir(c->destfd, "", e, err) : 0;
	const char *leaf = split_leaf(path, &parent);
	cleanup_close int pfd = open_parent(c->destfd, parent, O_PATH, err);
	if (pfd < 0)
		return isola_err_prefix(err, "\"%s\"", name);
	int r;
	if (!strncmp(leaf, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)))
		r = make_whiteout(c->destfd, parent, pfd, leaf, err);
	else
		r = make_entry(c, pfd, leaf, e, err);
	return r < 0 ? isola_err_prefix(err, "\"%s\"", name) : 0;
}

static la_ssize_t outer_read(struct archive *a, void *data, const void **buf)
{
	struct unpack_ctx *c = data;
	ssize_t n;
	do
		n = read(c->fd, c->rbuf, sizeof(c->rbuf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read layer");
		return -1;
	}
	isola_sha256_update(&c->compressed, c->rbuf, (size_t)n);
	c->read_total += n;
	if (c->read_total - c->last_report >= (1 << 20)) {
		c->last_report = c->read_total;
		isola_progress_emit(c->progress, ISOLA_PROGRESS_BYTES, c->id, "extracting",
				    c->read_total, -1);
	}
	*buf = c->rbuf;
	return n;
}

static la_ssize_t inner_read(struct archive *a, void *data, const void **buf)
{
	struct unpack_ctx *c = data;
	la_ssize_t n = archive_read_data(c->outer, c->dbuf, sizeof(c->dbuf));
	if (n < 0) {
		snprintf(c->outer_err, sizeof(c->outer_err), "%s", archive_error_string(c->outer));
		archive_set_error(a, EIO, "%s", c->outer_err);
		return -1;
	}
	isola_sha256_update(&c->diff, c->dbuf, (size_t)n);
	*buf = c->dbuf;
	return n;
}

static int open_archives(struct unpack_ctx *c, struct isola_error *err)
{
	struct archive_entry *e;
	c->outer = archive_read_new();
	c->inner = archive_read_new();
	if (!c->outer || !c->inner)
		return isola_err_sys(err, "libarchive");
	archive_read_support_filter_gzip(c->outer);
	archive_read_support_filter_zstd(c->outer);
	archive_read_support_filter_xz(c->outer);
	archive_read_support_format_raw(c->outer);
	if (archive_read_open(c->outer, c, NULL, outer_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(c->outer, &e) != ARCHIVE_OK)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "layer: %s",
				 archive_error_string(c->outer) ? archive_error_string(c->outer)
								: "empty stream");
	archive_read_support_format_tar(c->inner);
	if (archive_read_open(c->inner, c, NULL, inner_read, NULL) != ARCHIVE_OK)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "layer: %s",
				 archive_error_string(c->inner));
	return 0;
}

/* Hash what the tar reader left unread, so both digests cover the whole stream. */
static int drain(struct unpack_ctx *c, struct isola_error *err)
{
	const void *buf;
	la_ssize_t n;
	while ((n = inner_read(c->inner, c, &buf)) > 0)
		;
	if (n < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "layer: %s", c->outer_err);
	while ((n = outer_read(c->outer, c, &buf)) > 0)
		;
	return n < 0 ? isola_err_sys(err, "read layer") : 0;
}

static int unpack_all(struct unpack_ctx *c, struct isola_unpack_result *res,
		      struct isola_error *err)
{
	struct archive_entry *e;
	int r;
	if (open_archives(c, err) < 0)
		return -1;
	while ((r = archive_read_next_header(c->inner, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (unpack_one(c, e, err) < 0)
			return -1;
		res->entries++;
		if (archive_entry_filetype(e) == AE_IFREG)
			res->size += archive_entry_size(e);
	}
	if (r != ARCHIVE_EOF)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "layer: %s",
				 c->outer_err[0] ? c->outer_err : archive_error_string(c->inner));
	return drain(c, err);
}

int isola_unpack(int fd, int destfd, const char *id, const struct isola_progress_sink *progress,
		 struct isola_unpack_result *res, struct isola_error *err)
{
	cleanup_free struct unpack_ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return isola_err_sys(err, "unpack");
	*res = (struct isola_unpack_result){0};
	c->fd = fd;
	c->destfd = destfd;
	c->id = id;
	c->progress = progress;
	if (isola_sha256_init(&c->compressed, err) < 0)
		return -1;
	if (isola_sha256_init(&c->diff, err) < 0) {
		isola_sha256_free(&c->compressed);
		return -1;
	}
	int r = unpack_all(c, res, err);
	if (c->inner)
		archive_read_free(c->inner);
	if (c->outer)
		archive_read_free(c->outer);
	isola_sha256_final(&c->compressed, res->compressed);
	isola_sha256_final(&c->diff, res->diff_id);
	return r;
}
