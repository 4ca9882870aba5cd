/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_ROOTFS_H
#define ISOLA_ROOTFS_H

#include <stdbool.h>

#include "isola/error.h"
#include "spec/config.h"

struct isola_cgroup;

struct isola_rootfs {
	const struct isola_config *config;
	const struct isola_cgroup *cg;
	bool in_userns;
	bool no_pivot;
	const int *idmap_fds; /* per mount: a premade idmapped tree or -1; may be NULL */
	int rootfd;	      /* O_PATH of the rootfs mount, set by prepare */
	int devnull;	      /* O_PATH of the host's verified /dev/null, set by prepare */
};

/*
 * Run in the container's new mount namespace, in this order:
 *   prepare   make the host tree slave, bind the rootfs onto itself, do every
 *             mount of the config, create /dev
 *   pivot     pivot_root (or move + chroot with no_pivot) and drop the old root
 *   finalize  masked and read-only paths, read-only root, rootfs propagation
 */
int isola_rootfs_prepare(struct isola_rootfs *r, struct isola_error *err);
int isola_rootfs_pivot(struct isola_rootfs *r, struct isola_error *err);
int isola_rootfs_finalize(struct isola_rootfs *r, struct isola_error *err);
void isola_rootfs_release(struct isola_rootfs *r);

#endif
