/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SAFEPATH_H
#define ISOLA_SAFEPATH_H

/*
 * The one place where paths inside a container rootfs are resolved. Every
 * lookup goes through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so a
 * symlink in the image (or one swapped in by a racing container process)
 * can never lead outside the rootfs: CVE-2021-30465, CVE-2024-45310,
 * CVE-2025-31133 class. Callers then act on the returned fd (mount onto
 * /proc/self/fd/N, fchmod, ...), never on the path again.
 */
#include <stdint.h>
#include <sys/types.h>

#include "isola/error.h"

/*
 * The one openat2: O_CLOEXEC always, retried on EAGAIN, and walked component
 * by component where the kernel lacks openat2 (ENOSYS) and resolve holds
 * RESOLVE_IN_ROOT or RESOLVE_BENEATH. Returns the fd, or -1 with errno.
 */
int isola_openat2(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve);
/* openat2 inside rootfd; path may be absolute (relative to the root). */
int isola_open_in_root(int rootfd, const char *path, int flags, mode_t mode,
		       struct isola_error *err);
/* mkdir -p inside rootfd; returns an O_PATH|O_DIRECTORY fd of the last directory. */
int isola_mkdir_in_root(int rootfd, const char *path, mode_t mode, struct isola_error *err);
/* Create (if missing) an empty regular file and its parents; returns an O_PATH fd. */
int isola_mkfile_in_root(int rootfd, const char *path, mode_t mode, struct isola_error *err);
/* "/proc/self/fd/N" for mount(2) and friends; buf must hold 32 bytes. */
const char *isola_fd_path(int fd, char buf[static 32]);

#endif
