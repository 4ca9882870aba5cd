/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_IMPORT_H
#define ISOLA_IMAGE_IMPORT_H

#include "image/store.h"

/*
 * Import a root filesystem as a one-layer image (like `podman import`):
 * source is a tar file (gzip, zstd, xz or plain), "-" for stdin, or a
 * directory. name may be NULL (a dangling image). id_out may be NULL.
 */
int isola_image_import(struct isola_store *s, const char *source, const char *name,
		       const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
		       struct isola_error *err);

/*
 * Store config and manifest for layers already in the store as blobs, then
 * commit the image. Shared by import and tests. layer_media may be NULL
 * (detected from the blob's magic bytes).
 */
int isola_image_build(struct isola_store *s, char *const *layer_blobs, size_t n, const char *name,
		      const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
		      struct isola_error *err);

#endif
