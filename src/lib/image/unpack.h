/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_UNPACK_H
#define ISOLA_IMAGE_UNPACK_H

/*
 * Layer tar unpacking (gzip, zstd, xz or uncompressed) into a directory, in
 * overlayfs form: ".wh.NAME" becomes a 0:0 character device NAME and
 * ".wh..wh..opq" the trusted.overlay.opaque=y xattr on its directory.
 *
 * Every create goes through a parent dirfd resolved with openat2
 * RESOLVE_IN_ROOT on the layer directory, and leaves are created with
 * O_EXCL/O_NOFOLLOW, so no entry (absolute path, "..", a symlink planted by an
 * earlier entry, a hard link to an outside path) can write outside it.
 */
#include <stdint.h>

#include "image/digest.h"
#include "image/store.h"
#include "isola/error.h"

struct isola_unpack_result {
	char compressed[ISOLA_DIGEST_MAX]; /* digest of the bytes read from fd */
	char diff_id[ISOLA_DIGEST_MAX];	   /* digest of the uncompressed tar */
	int64_t size;			   /* bytes of regular file content */
	int64_t entries;
};

/* Unpack the whole stream on fd into the directory destfd. id names it in progress reports. */
int isola_unpack(int fd, int destfd, const char *id, const struct isola_progress_sink *progress,
		 struct isola_unpack_result *res, struct isola_error *err);

/*
 * Normalise a path from an archive: strip "/" and "./", drop "." and empty
 * components; "" is the root. Fails on "..". Exposed for tests.
 */
int isola_unpack_clean_path(const char *in, char *out, size_t size, struct isola_error *err);

#endif
