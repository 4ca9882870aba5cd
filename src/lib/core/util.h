/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_UTIL_H
#define ISOLA_UTIL_H

/* Small file and string helpers used across libisola. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "isola/error.h"
#include "isola/util.h"

/* Read a whole file (NUL-terminated); *len may be NULL. */
int isola_read_file_at(int dirfd, const char *path, char **out, size_t *len,
		       struct isola_error *err);
/* Write data to an existing file (O_WRONLY|O_TRUNC when trunc). */
int isola_write_file_at(int dirfd, const char *path, const char *data, size_t len,
			struct isola_error *err);
/*
 * Atomically replace dirfd/path (a file of the given mode): tmp file, rename.
 * durable: fsync the file and its directory, so a crash leaves the old or
 * the new content, never a torn one (the image store needs that; runtime
 * state on /run does not).
 */
int isola_write_file_atomic(int dirfd, const char *path, const void *data, size_t len, mode_t mode,
			    bool durable, struct isola_error *err);
/* write(2) all of it, retrying on EINTR/short writes; returns 0 or -1 (errno). */
int isola_write_all(int fd, const void *buf, size_t len);
/* read(2) exactly len bytes; returns bytes read (< len on EOF) or -1. */
ssize_t isola_read_all(int fd, void *buf, size_t len);
/* rm -rf of dirfd/name without following symlinks; missing is not an error. */
int isola_rmtree_at(int dirfd, const char *name, struct isola_error *err);
size_t isola_strv_len(char *const *v);
/* Monotonic milliseconds. */
long long isola_now_ms(void);

#endif
