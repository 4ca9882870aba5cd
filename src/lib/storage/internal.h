/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_STORAGE_INTERNAL_H
#define ISOLA_STORAGE_INTERNAL_H

/* Shared inside src/lib/storage only. */
#include "storage/storage.h"

/* d's mount on idmapped trees of the layers and of the container's dir (idmapped.c). */
int storage_mount_idmapped(const struct isola_storage_driver *d, const char *cdir,
			   char *const *layers, size_t n, const char *target, bool scratch,
			   const struct isola_rootfs_idmap *idm, struct isola_error *err);

#endif
