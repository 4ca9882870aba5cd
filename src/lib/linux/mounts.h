/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MOUNT_H
#define ISOLA_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "isola/error.h"
#include "spec/config.h"

struct isola_cgroup;

/* What mounting needs beyond the mount entry itself. */
struct isola_mount_ctx {
	int rootfd;                     /* O_PATH fd of the rootfs (a mount point) */
	const char *bundle;             /* relative bind sources resolve against it */
	const struct isola_cgroup *cg;  /* for "cgroup" mounts; may be NULL */
	bool in_userns;                 /* mknod is not allowed: bind devices instead */
};

/* Mount one config entry at its destination inside the rootfs; premade: a detached tree or -1. */
int isola_mount_one(const struct isola_mount_ctx *ctx, const struct isola_mount *m, int premade,
		    struct isola_error *err);
/* Bind-mount what src_fd names onto dst_fd (both O_PATH) with MOUNT_ATTR_* attr_set. */
int isola_bind_fd(int src_fd, int dst_fd, bool recursive, uint64_t attr_set,
		  struct isola_error *err);
/* MS_* -> MOUNT_ATTR_* for the flags mount_setattr knows. */
uint64_t isola_mount_flags_to_attr(unsigned long flags);

#endif
