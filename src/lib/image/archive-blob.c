/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What both archive formats' loaders use: blobs copied in, the list of names. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "image/archive.h"

int isola_archive_add_name(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	*v = nv;
	nv[*n] = strdup(s);
	nv[++*n] = NULL;
	return nv[*n - 1] ? 0 : -1;
}

/* Archive paths are untrusted: resolve them inside the archive directory. */
static int open_in(int dirfd, const char *path)
{
	return isola_openat2(dirfd, path, O_RDONLY, 0,
			     RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
}

/* Copy layout/<blob path> into the store, verifying its digest when known. */
int isola_archive_copy_blob(struct isola_store *s, int dirfd, const char *path, const char *digest,
			    char out[ISOLA_DIGEST_MAX], struct isola_error *err)
{
	if (digest && isola_blob_exists(s, digest)) {
		if (out)
			memcpy(out, digest, ISOLA_DIGEST_MAX);
		return 0;
	}
	struct isola_blob_writer w;
	cleanup_close int fd = open_in(dirfd, path);
	if (fd < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno, "archive: \"%s\"", path);
	if (isola_blob_writer_open(s, &w, err) < 0)
		return -1;
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (isola_blob_writer_write(&w, buf, (size_t)n, err) < 0) {
			isola_blob_writer_abort(&w);
			return -1;
		}
	}
	if (n < 0) {
		isola_blob_writer_abort(&w);
		return isola_err_sys(err, "archive: read \"%s\"", path);
	}
	return isola_blob_writer_commit(&w, digest, out, err);
}
