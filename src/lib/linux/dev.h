/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_DEV_H
#define ISOLA_DEV_H

#include <stdbool.h>

#include "isola/error.h"
#include "spec/config.h"

/*
 * Create /dev inside the rootfs: the default devices (null, zero, full,
 * random, urandom, tty) and symlinks when /dev is not a bind mount, then
 * linux.devices. Every entry already in the image is removed first and the
 * node is created under a safely resolved parent without following links
 * (crun CVE-2026-47766 class). In a user namespace mknod is not allowed, so
 * the host's node is bind-mounted instead.
 */
int isola_dev_setup(int rootfd, const struct isola_config *c, bool in_userns,
		    struct isola_error *err);
/*
 * A read-only /dev filesystem (not a bind) is mounted writable, so that the
 * nodes, /dev/pts, /dev/shm and the /dev/console mount point can be made in
 * it, and made read-only by isola_dev_seal once the rest is done (as runc).
 */
bool isola_dev_is_ro(const struct isola_config *c);
int isola_dev_seal(int rootfd, const struct isola_config *c, struct isola_error *err);

#endif
