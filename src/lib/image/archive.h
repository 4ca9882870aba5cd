/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_ARCHIVE_H
#define ISOLA_IMAGE_ARCHIVE_H

/*
 * Image archives: an OCI image layout (a directory, or a tar of one: an
 * "oci-archive") and docker-archive (docker save's tar with manifest.json).
 */
#include "image/store.h"

/*
 * Load every image of path (a directory or a tar file). Images are named
 * after their annotations / RepoTags, or name when given. names_out lists
 * what was loaded (names or ids); free with isola_strv_free.
 */
int isola_image_load(struct isola_store *s, const char *path, const char *name,
		     const struct isola_progress_sink *progress, char ***names_out,
		     struct isola_error *err);

enum isola_archive_format {
	ISOLA_ARCHIVE_OCI = 0,
	ISOLA_ARCHIVE_DOCKER,
};
/* Write image ref as a tar archive to path ("-" for stdout). */
int isola_image_save(struct isola_store *s, const char *ref, const char *path, int format,
		     struct isola_error *err);

/* Internal to archive*.c: archive-blob.c, below the loaders of both formats. */
int isola_archive_copy_blob(struct isola_store *s, int dirfd, const char *path, const char *digest,
			    char out[ISOLA_DIGEST_MAX], struct isola_error *err);
int isola_archive_add_name(char ***v, size_t *n, const char *s);
int isola_archive_load_docker(struct isola_store *s, int dirfd, const char *name,
			      const struct isola_progress_sink *progress, char ***names,
			      struct isola_error *err);

#endif
