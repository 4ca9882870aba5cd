/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PASSWD_H
#define ISOLA_PASSWD_H

#include <stddef.h>
#include <sys/types.h>

#include "isola/error.h"

/*
 * The home directory of uid in passwd text (name:pw:uid:gid:gecos:home:shell
 * lines): a malloc'd copy of the first matching entry's, or NULL when no
 * line matches (or its home is empty). Pure, for the unit tests.
 */
char *isola_passwd_home(const char *text, size_t len, uid_t uid);

/*
 * HOME for a process of uid that has none in its environment, as runc: the
 * container's /etc/passwd entry, else "/". The file is read through the
 * safe-path module inside rootfd (a symlink can't lead out of the rootfs),
 * only when it is a regular file of at most 4 MiB: a FIFO planted there
 * must not hang the runtime. Returns a malloc'd "HOME=..." or NULL (err set).
 */
char *isola_passwd_home_env(int rootfd, uid_t uid, struct isola_error *err);

#endif
