/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <dirent.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/cleanup.h"
#include "storage/storage.h"

/*
 * A container's changes as an OCI layer (isola commit): the overlay upper
 * dir as a tar, with overlayfs's deletions (0/0 character devices) written as
 * ".wh.NAME" files and opaque directories (trusted.overlay.opaque=y) as
 * "DIR/.wh..wh..opq", as the image spec's whiteouts say. The mount points
 * isola made itself (empty /proc, /dev, /sys, /etc/hosts...) are left out.
 */

static la_ssize_t to_blob(struct archive *a, void *data, const void *buf, size_t len)
{
	struct isola_error err;
	if (isola_blob_writer_write(data, buf, len, &err) < 0) {
		archive_set_error(a, EIO, "%s", err.msg);
		return -1;
	}
	return (la_ssize_t)len;
}

static int header(struct archive *a, const char *name, const struct stat *st, const char *link)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_copy_stat(e, st);
	if (link)
		archive_entry_set_symlink(e, link);
	int r = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -1;
	archive_entry_free(e);
	return r;
}

static int file_data(struct archive *a, int dirfd, const char *name)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[65536];
	ssize_t n;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) < 0)
			return -1;
	return n < 0 ? -1 : 0;
}

static int walk(struct archive *a, int dirfd, const char *prefix, struct isola_error *err);

static int entry(struct archive *a, int dirfd, const char *prefix, const char *name,
		 struct isola_error *err)
{
	char rel[8192], link[4096];
	struct stat st;
	snprintf(rel, sizeof(rel), "%s%s", prefix, name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || isola_rootfs_stub(rel, &st))
		return 0;
	if (S_ISCHR(st.st_mode) && st.st_rdev == 0) { /* overlayfs whiteout */
		char wh[8300];
		struct stat empty = {.st_mode = S_IFREG | 0644, .st_mtim = st.st_mtim};
		snprintf(wh, sizeof(wh), "%s.wh.%s", prefix, name);
		return header(a, wh, &empty, NULL) < 0
			   ? isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar %s", rel)
			   : 0;
	}
	const char *target = NULL;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
		target = link;
	}
	if (header(a, rel, &st, target) < 0 ||
	    (S_ISREG(st.st_mode) && file_data(a, dirfd, name) < 0))
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar \"%s\": %s", rel,
				 archive_error_string(a));
	if (!S_ISDIR(st.st_mode))
		return 0;
	cleanup_close int sub =
	    openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return isola_err_sys(err, "open \"%s\"", rel);
	char v[4] = {0}, sp[8200];
	if (fgetxattr(sub, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') {
		struct stat empty = {.st_mode = S_IFREG | 0644, .st_mtim = st.st_mtim};
		snprintf(sp, sizeof(sp), "%s/.wh..wh..opq", rel);
		if (header(a, sp, &empty, NULL) < 0)
			return isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar %s", sp);
	}
	snprintf(sp, sizeof(sp), "%s/", rel);
	return walk(a, sub, sp, err);
}

static int walk(struct archive *a, int dirfd, const char *prefix, struct isola_error *err)
{
	cleanup_closedir DIR *d = fdopendir(dup(dirfd));
	struct dirent *e;
	if (!d)
		return isola_err_sys(err, "read \"%s\"", prefix);
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    entry(a, dirfd, prefix, e->d_name, err) < 0)
			return -1;
	}
	return 0;
}

int isola_rootfs_layer(struct isola_store *s, const char *id, char digest[ISOLA_DIGEST_MAX],
		       int64_t *size, struct isola_error *err)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "containers/%s/upper", id);
	cleanup_close int upper = openat(s->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (upper < 0)
		return errno == ENOENT ? isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
						   "commit: needs the overlay storage driver")
				       : isola_err_sys(err, "open \"%s\"", rel);
	struct isola_blob_writer w;
	if (isola_blob_writer_open(s, &w, err) < 0)
		return -1;
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	int r = archive_write_open(a, &w, NULL, to_blob, NULL) == ARCHIVE_OK
		    ? walk(a, upper, "", err)
		    : isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar: %s", archive_error_string(a));
	if (r == 0 && archive_write_close(a) != ARCHIVE_OK)
		r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "tar: %s", archive_error_string(a));
	archive_write_free(a);
	*size = w.size;
	if (r == 0)
		return isola_blob_writer_commit(&w, NULL, digest, err);
	isola_blob_writer_abort(&w);
	return -1;
}
