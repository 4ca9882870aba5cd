/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Content-addressed blobs: written to tmp/, verified, renamed into blobs/sha256/. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/store.h"

int isola_blob_writer_open(struct isola_store *s, struct isola_blob_writer *w,
			   struct isola_error *err)
{
	*w = (struct isola_blob_writer){.store = s, .fd = -1};
	char path[4096];
	snprintf(path, sizeof(path), "%s/tmp/blob-XXXXXX", s->root);
	w->fd = mkostemp(path, O_CLOEXEC);
	if (w->fd < 0)
		return isola_err_sys(err, "create temp blob in \"%s/tmp\"", s->root);
	snprintf(w->tmpname, sizeof(w->tmpname), "tmp/%s", strrchr(path, '/') + 1);
	if (isola_sha256_init(&w->hash, err) < 0) {
		isola_blob_writer_abort(w);
		return -1;
	}
	return 0;
}

int isola_blob_writer_write(struct isola_blob_writer *w, const void *buf, size_t len,
			    struct isola_error *err)
{
	const char *p = buf;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(w->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return isola_err_sys(err, "write blob");
		p += n;
		left -= (size_t)n;
	}
	isola_sha256_update(&w->hash, buf, len);
	w->size += (int64_t)len;
	return 0;
}

int isola_blob_writer_commit(struct isola_blob_writer *w, const char *expected,
			     char out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	char digest[ISOLA_DIGEST_MAX], final[128];
	isola_sha256_final(&w->hash, digest);
	if (expected && strcmp(expected, digest) != 0) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "digest mismatch: expected %s, got %s",
			  expected, digest);
		isola_blob_writer_abort(w);
		return -1;
	}
	if (fsync(w->fd) < 0) {
		isola_err_sys(err, "write blob");
		isola_blob_writer_abort(w);
		return -1;
	}
	fchmod(w->fd, 0644);
	snprintf(final, sizeof(final), "blobs/sha256/%s", isola_digest_hex(digest));
	if (renameat(w->store->rootfd, w->tmpname, w->store->rootfd, final) < 0) {
		isola_err_sys(err, "store blob %s", digest);
		isola_blob_writer_abort(w);
		return -1;
	}
	isola_fsync_dir_at(w->store->rootfd, "blobs/sha256");
	close(w->fd);
	w->fd = -1;
	if (out)
		memcpy(out, digest, sizeof(digest));
	return 0;
}

void isola_blob_writer_abort(struct isola_blob_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlinkat(w->store->rootfd, w->tmpname, 0);
	}
	w->fd = -1;
	isola_sha256_free(&w->hash);
}

int isola_blob_put(struct isola_store *s, const void *buf, size_t len, const char *expected,
		   char out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	struct isola_blob_writer w;
	if (expected && isola_blob_exists(s, expected)) {
		if (out)
			memcpy(out, expected, strlen(expected) + 1);
		return 0;
	}
	if (isola_blob_writer_open(s, &w, err) < 0)
		return -1;
	if (isola_blob_writer_write(&w, buf, len, err) < 0) {
		isola_blob_writer_abort(&w);
		return -1;
	}
	return isola_blob_writer_commit(&w, expected, out, err);
}

static void blob_name(const char *digest, char *buf, size_t size)
{
	snprintf(buf, size, "blobs/sha256/%s", isola_digest_hex(digest));
}

int isola_blob_open(struct isola_store *s, const char *digest, struct isola_error *err)
{
	char name[128];
	if (!isola_digest_valid(digest))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid digest \"%s\"", digest);
	blob_name(digest, name, sizeof(name));
	int fd = openat(s->rootfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "blob %s", digest);
	return fd;
}

char *isola_blob_get(struct isola_store *s, const char *digest, size_t max, size_t *len,
		     struct isola_error *err)
{
	char name[128], got[ISOLA_DIGEST_MAX];
	size_t n = 0;
	if (!isola_digest_valid(digest)) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "invalid digest \"%s\"", digest);
		return NULL;
	}
	blob_name(digest, name, sizeof(name));
	cleanup_free char *buf = isola_read_small_file_at(s->rootfd, name, max, &n, err);
	if (!buf) {
		isola_err_prefix(err, "blob %s", digest);
		return NULL;
	}
	if (isola_digest_buf(buf, n, got, err) < 0)
		return NULL;
	if (strcmp(got, digest) != 0) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "blob %s is corrupt: digest %s", digest, got);
		return NULL;
	}
	if (len)
		*len = n;
	return steal_ptr(buf);
}

bool isola_blob_exists(struct isola_store *s, const char *digest)
{
	return isola_blob_size(s, digest) >= 0;
}

int64_t isola_blob_size(struct isola_store *s, const char *digest)
{
	char name[128];
	struct stat st;
	if (!isola_digest_valid(digest))
		return -1;
	blob_name(digest, name, sizeof(name));
	if (fstatat(s->rootfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return st.st_size;
}
