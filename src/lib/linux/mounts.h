/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MOUNT_H
#define ISOLA_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/mountapi.h"
#include "isola/error.h"
#include "spec/config.h"

struct isola_cgroup;

/* What mounting needs beyond the mount entry itself. */
struct isola_mount_ctx {
	int rootfd;		       /* O_PATH fd of the rootfs (a mount point) */
	const char *bundle;	       /* relative bind sources resolve against it */
	const struct isola_cgroup *cg; /* for "cgroup" mounts; may be NULL */
	bool in_userns;		       /* mknod is not allowed: bind devices instead */
};

/* Mount one config entry at its destination inside the rootfs; premade: a detached tree or -1. */
int isola_mount_one(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		    struct isola_error *err);
#endif
