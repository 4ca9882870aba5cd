/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_FSUTIL_H
#define ISOLA_IMAGE_FSUTIL_H

/* Small file-system helpers shared by the image store and storage drivers. */
#include <stddef.h>
#include <sys/types.h>

#include "core/util.h"
#include "isola/error.h"

/* Read a whole (small) file; NUL-terminated; fails past max bytes. */
char *isola_read_small_file_at(int dirfd, const char *name, size_t max, size_t *len,
			       struct isola_error *err);
/* mkdir -p relative to dirfd (no symlinks followed); existing dirs are fine. */
int isola_mkdirs_at(int dirfd, const char *path, mode_t mode, struct isola_error *err);
int isola_fsync_dir_at(int dirfd, const char *name);
/* Sum of st_blocks*512 of a tree (du); 0 on error. */
long long isola_tree_size_at(int dirfd, const char *name);

#endif
