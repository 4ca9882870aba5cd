/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_STORAGE_H
#define ISOLA_STORAGE_H

/*
 * Container root filesystems made from images in the store. Each backend is
 * a table (one file each: overlay.c, dir.c); isola_storage_driver() picks one.
 * A container's storage lives in <store>/containers/<id>/ with a record,
 * rootfs.json: {"driver", "image", "layers": [chain ids, base first],
 * "scratch": true when created not durable}. Only
 * storage reads it: the image store's prune asks isola_storage_attach's
 * callbacks which layers the roots hold.
 *
 * Typical use by the container verbs:
 *   isola_rootfs_create(store, "busybox", "c1", NULL, true, err);
 *   isola_rootfs_mount(store, "c1", "/run/.../rootfs", err);   (at start)
 *   isola_rootfs_umount("/run/.../rootfs", err);               (at stop)
 *   isola_rootfs_remove(store, "c1", err);                     (at rm)
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/store.h"

struct isola_storage_driver {
	const char *name;
	bool (*supported)(void);
	/* Prepare containers/<id>/ (dirfd) from the image's layer dirs, base first. */
	int (*create)(int cdirfd, char *const *layers, size_t n, struct isola_error *err);
	/* Mount the container's root at target (an existing directory). scratch:
	 * the data dies with the container (not durable), so no sync is owed. */
	int (*mount)(int cdirfd, const char *cdir, char *const *layers, size_t n,
		     const char *target, bool scratch, struct isola_error *err);
	/* Copy src's container-private data (upper dir or tree) into dst. */
	int (*clone)(int srcfd, int dstfd, struct isola_error *err);
};

extern const struct isola_storage_driver isola_storage_overlay;
extern const struct isola_storage_driver isola_storage_dir;

/* Let the store's prune and image removal ask about the container roots (roots.c). */
void isola_storage_attach(struct isola_store *s);
/* fn for every container root: the image id and the layer chain ids of its record. */
void isola_storage_layers_in_use(struct isola_store *s, isola_root_ref_fn fn, void *data);
/* Remove container dirs without a record (a create that died); store held exclusive. */
int isola_storage_sweep(struct isola_store *s, size_t *count, int64_t *bytes,
			struct isola_error *err);

/* By name; NULL picks overlay when the kernel has it, else dir. */
const struct isola_storage_driver *isola_storage_driver(const char *name, struct isola_error *err);

/*
 * durable: fsync the record (rootfs.json) and its directory. A container that
 * cannot outlive a reboot (docker's --rm) skips it: the rename alone keeps
 * the record whole for every reader while the host is up. Its root is then
 * scratch space too: overlay mounts it "volatile", whose unmount does not
 * syncfs the whole filesystem under the store.
 */
int isola_rootfs_create(struct isola_store *s, const char *image_ref, const char *id,
			const char *driver, bool durable, struct isola_error *err);
int isola_rootfs_mount(struct isola_store *s, const char *id, const char *target,
		       struct isola_error *err);
/*
 * The root of a container in a user namespace (--userns): the layers and the
 * container's own dir seen through idmapped mounts of userns_fd's mappings,
 * so its root owns what is stored as 0 and what it writes is stored as 0.
 * uid, gid: the host ids of the container's root (overlayfs makes its work
 * dir and copy-ups as the mounter: as them).
 */
struct isola_rootfs_idmap {
	int userns_fd;
	uint32_t uid, gid;
};
int isola_rootfs_mount_idmapped(struct isola_store *s, const char *id, const char *target,
				const struct isola_rootfs_idmap *idm, struct isola_error *err);
int isola_rootfs_umount(const char *target, struct isola_error *err);
int isola_rootfs_remove(struct isola_store *s, const char *id, struct isola_error *err);
/*
 * Remove later: containers/<id> renamed into the store's tmp/ (one rename, so
 * the container is gone for every reader at once), its name written to trash
 * for isola_rmtree_at(s->rootfd, trash) when the caller has time. A trash
 * left by a crash is swept by prune. Falls back to removing now (trash "").
 */
int isola_rootfs_retire(struct isola_store *s, const char *id, char *trash, size_t size,
			struct isola_error *err);
/* A snapshot: a new container dst with a copy of src's private data and the same image. */
int isola_rootfs_clone(struct isola_store *s, const char *src, const char *dst,
		       struct isola_error *err);

/*
 * What the container changed against its image (docker diff): fn gets 'A'
 * (added), 'C' (changed) or 'D' (deleted) and the path ("/etc/motd"), parents
 * before children. overlay only.
 */
typedef void (*isola_change_fn)(char kind, const char *path, void *data);
/*
 * The mount points the runtime made in the upper dir (empty /proc, /dev, /sys,
 * /etc/hosts, /etc/hostname, /etc/resolv.conf): not the container's changes,
 * left out of diff and commit. rel has no leading "/".
 */
struct stat;
bool isola_rootfs_stub(const char *rel, const struct stat *st);
int isola_rootfs_changes(struct isola_store *s, const char *id, isola_change_fn fn, void *data,
			 struct isola_error *err);

/* The changes as an uncompressed OCI layer blob in the store (layer.c); overlay only. */
int isola_rootfs_layer(struct isola_store *s, const char *id, char digest[ISOLA_DIGEST_MAX],
		       int64_t *size, struct isola_error *err);

/* Tree copy shared by the backends (copy.c). */
enum isola_copy_mode {
	ISOLA_COPY_EXACT, /* verbatim, whiteouts and overlay xattrs included */
	ISOLA_COPY_APPLY, /* apply an overlay-form layer: whiteouts delete, opaque dirs clear */
};
int isola_copy_tree(int srcfd, int dstfd, int mode, struct isola_error *err);

#endif
