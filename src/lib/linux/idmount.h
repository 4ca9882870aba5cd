/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IDMOUNT_H
#define ISOLA_IDMOUNT_H

#include "isola/error.h"
#include "spec/config.h"

/*
 * Idmapped bind mounts are built by the runtime on the host side, before the
 * init is cloned (as runc 1.2 does): the mount's mappings name host ids the
 * container's own user namespace may not map. For each mount with "idmap"
 * (or uid/gid mappings) *fds[i] gets a detached tree with MOUNT_ATTR_IDMAP
 * set, for the init to attach; -1 for the others. Without mappings of its
 * own a mount takes the container's linux.uidMappings/gidMappings.
 */
/* An fd of a new user namespace with these mappings (for MOUNT_ATTR_IDMAP). */
int isola_userns_open(const struct isola_idmap *u, size_t nu, const struct isola_idmap *g,
		      size_t ng, struct isola_error *err);
int isola_idmount_prepare(const struct isola_config *c, int **fds, struct isola_error *err);
void isola_idmount_release(int *fds, size_t n);

#endif
