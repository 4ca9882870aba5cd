/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "storage/internal.h"

static const struct isola_storage_driver *const drivers[] = {
    &isola_storage_overlay,
    &isola_storage_dir,
};

const struct isola_storage_driver *isola_storage_driver(const char *name, struct isola_error *err)
{
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (name && strcmp(drivers[i]->name, name) != 0)
			continue;
		if (drivers[i]->supported())
			return drivers[i];
		if (name)
			break;
	}
	isola_err(err, name ? ISOLA_ERR_UNSUPPORTED : ISOLA_ERR_SYSTEM, 0,
		  "storage driver \"%s\" is not available", name ? name : "(default)");
	return NULL;
}

static int check_id(const char *id, struct isola_error *err)
{
	size_t n = strlen(id);
	bool ok = n > 0 && n <= 128 && isalnum((unsigned char)id[0]);
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)id[i]) || strchr("_.-", id[i]);
	return ok ? 0 : isola_err(err, ISOLA_ERR_INVALID, 0, "invalid container id \"%s\"", id);
}

struct record {
	const struct isola_storage_driver *driver;
	char image[ISOLA_DIGEST_MAX];
	char **layers; /* chain ids, NULL-terminated */
	size_t n;
	bool scratch; /* created not durable: see isola_rootfs_create */
};

static void record_release(struct record *r)
{
	isola_strv_free(r->layers);
	*r = (struct record){0};
}

static int record_save(int cdirfd, const struct record *r, struct isola_error *err)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	json_object_object_add(o, "driver", json_object_new_string(r->driver->name));
	json_object_object_add(o, "image", json_object_new_string(r->image));
	for (size_t i = 0; i < r->n; i++)
		json_object_array_add(arr, json_object_new_string(r->layers[i]));
	json_object_object_add(o, "layers", arr);
	if (r->scratch)
		json_object_object_add(o, "scratch", json_object_new_boolean(1));
	size_t len;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	int ret = isola_write_file_atomic(cdirfd, "rootfs.json", text, len, 0600, !r->scratch, err);
	json_object_put(o);
	return ret;
}

static int record_parse(struct json_object *o, struct record *r, struct isola_error *err)
{
	struct json_object *v, *arr;
	if (!json_object_object_get_ex(o, "driver", &v) ||
	    !(r->driver = isola_storage_driver(json_object_get_string(v), err)))
		return -1;
	if (!json_object_object_get_ex(o, "image", &v) ||
	    !json_object_object_get_ex(o, "layers", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "rootfs.json: invalid");
	snprintf(r->image, sizeof(r->image), "%s", json_object_get_string(v));
	r->scratch = json_object_object_get_ex(o, "scratch", &v) && json_object_get_boolean(v);
	r->n = json_object_array_length(arr);
	r->layers = calloc(r->n + 1, sizeof(char *));
	for (size_t i = 0; r->layers && i < r->n; i++)
		r->layers[i] = strdup(json_object_get_string(json_object_array_get_idx(arr, i)));
	return r->layers ? 0 : isola_err_sys(err, "rootfs.json");
}

static int record_load(int cdirfd, struct record *r, struct isola_error *err)
{
	*r = (struct record){0};
	cleanup_free char *buf =
	    isola_read_small_file_at(cdirfd, "rootfs.json", 1 << 20, NULL, err);
	if (!buf)
		return -1;
	struct json_object *o = json_tokener_parse(buf);
	if (!o)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "rootfs.json: invalid JSON");
	int ret = record_parse(o, r, err);
	json_object_put(o);
	if (ret < 0)
		record_release(r);
	return ret;
}

static int open_container(struct isola_store *s, const char *id, struct isola_error *err)
{
	char name[256];
	if (check_id(id, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "containers/%s", id);
	int fd = openat(s->rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM,
				 errno == ENOENT ? 0 : errno, "container storage \"%s\" not found",
				 id);
	return fd;
}

static char **layer_paths(struct isola_store *s, char *const *layers, size_t n,
			  struct isola_error *err)
{
	char **v = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; v && i < n; i++) {
		if (!isola_layer_exists(s, layers[i])) {
			isola_strv_free(v);
			isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "layer %s is missing from the store",
				  layers[i]);
			return NULL;
		}
		v[i] = isola_layer_diff_path(s, layers[i]);
	}
	if (!v)
		isola_err_sys(err, "layer paths");
	return v;
}

static int image_record(struct isola_store *s, const char *ref, struct record *r,
			struct isola_error *err)
{
	struct isola_image_index idx;
	if (isola_index_load(s, &idx, err) < 0)
		return -1;
	ssize_t i = isola_index_find(&idx, ref, err);
	if (i >= 0) {
		const struct isola_image *img = &idx.v[i];
		memcpy(r->image, img->id, ISOLA_DIGEST_MAX);
		r->n = img->n_layers;
		r->layers = calloc(r->n + 1, sizeof(char *));
		for (size_t j = 0; r->layers && j < r->n; j++)
			r->layers[j] = strdup(img->layers[j]);
	}
	isola_index_release(&idx);
	return i < 0 ? -1 : 0;
}

static int create_in(struct isola_store *s, int cdirfd, struct record *r, struct isola_error *err)
{
	cleanup_strv char **paths = layer_paths(s, r->layers, r->n, err);
	if (!paths)
		return -1;
	if (r->driver->create(cdirfd, paths, r->n, err) < 0)
		return -1;
	return record_save(cdirfd, r, err);
}

int isola_rootfs_create(struct isola_store *s, const char *image_ref, const char *id,
			const char *driver, bool durable, struct isola_error *err)
{
	struct record r = {0};
	char name[256];
	if (check_id(id, err) < 0 || !(r.driver = isola_storage_driver(driver, err)) ||
	    image_record(s, image_ref, &r, err) < 0) {
		record_release(&r);
		return -1;
	}
	r.scratch = !durable;
	snprintf(name, sizeof(name), "containers/%s", id);
	if (mkdirat(s->rootfd, name, 0700) < 0) {
		record_release(&r);
		return isola_err(err, errno == EEXIST ? ISOLA_ERR_EXISTS : ISOLA_ERR_SYSTEM, errno,
				 "create container storage \"%s\"", id);
	}
	cleanup_close int cdirfd = open_container(s, id, err);
	int ret = cdirfd < 0 ? -1 : create_in(s, cdirfd, &r, err);
	if (ret < 0) {
		struct isola_error ignored;
		isola_rmtree_at(s->rootfd, name, &ignored);
	}
	record_release(&r);
	return ret;
}

int isola_rootfs_mount(struct isola_store *s, const char *id, const char *target,
		       struct isola_error *err)
{
	return isola_rootfs_mount_idmapped(s, id, target, NULL, err);
}

int isola_rootfs_mount_idmapped(struct isola_store *s, const char *id, const char *target,
				const struct isola_rootfs_idmap *idm, struct isola_error *err)
{
	struct record r;
	char cdir[4096];
	cleanup_close int cdirfd = open_container(s, id, err);
	if (cdirfd < 0 || record_load(cdirfd, &r, err) < 0)
		return -1;
	snprintf(cdir, sizeof(cdir), "%s/containers/%s", s->root, id);
	cleanup_strv char **paths = layer_paths(s, r.layers, r.n, err);
	int ret =
	    !paths ? -1
	    : idm  ? storage_mount_idmapped(r.driver, cdir, paths, r.n, target, r.scratch, idm, err)
		   : r.driver->mount(cdirfd, cdir, paths, r.n, target, r.scratch, err);
	record_release(&r);
	return ret < 0 ? isola_err_prefix(err, "mount rootfs of \"%s\"", id) : 0;
}

int isola_rootfs_umount(const char *target, struct isola_error *err)
{
	if (umount2(target, UMOUNT_NOFOLLOW) == 0)
		return 0;
	if (errno == EBUSY && umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		return 0;
	return isola_err_sys(err, "unmount \"%s\"", target);
}

int isola_rootfs_remove(struct isola_store *s, const char *id, struct isola_error *err)
{
	char name[256];
	cleanup_close int cdirfd = open_container(s, id, err);
	if (cdirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "containers/%s", id);
	return isola_rmtree_at(s->rootfd, name, err);
}

int isola_rootfs_retire(struct isola_store *s, const char *id, char *trash, size_t size,
			struct isola_error *err)
{
	char name[256];
	cleanup_close int cdirfd = open_container(s, id, err);
	if (cdirfd < 0)
		return -1;
	snprintf(name, sizeof(name), "containers/%s", id);
	snprintf(trash, size, "tmp/rm-%s", id);
	if (renameat(s->rootfd, name, s->rootfd, trash) == 0)
		return 0;
	trash[0] = '\0';
	return isola_rmtree_at(s->rootfd, name, err);
}

int isola_rootfs_clone(struct isola_store *s, const char *src, const char *dst,
		       struct isola_error *err)
{
	struct record r;
	char name[256];
	cleanup_close int sfd = open_container(s, src, err);
	if (sfd < 0 || check_id(dst, err) < 0 || record_load(sfd, &r, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "containers/%s", dst);
	if (mkdirat(s->rootfd, name, 0700) < 0) {
		record_release(&r);
		return isola_err(err, errno == EEXIST ? ISOLA_ERR_EXISTS : ISOLA_ERR_SYSTEM, errno,
				 "create container storage \"%s\"", dst);
	}
	cleanup_close int dfd = open_container(s, dst, err);
	r.scratch = false; /* a copy is kept: durable whatever its source was */
	int ret = dfd < 0 ? -1 : r.driver->clone(sfd, dfd, err);
	if (ret == 0)
		ret = record_save(dfd, &r, err);
	if (ret < 0) {
		struct isola_error ignored;
		isola_rmtree_at(s->rootfd, name, &ignored);
	}
	record_release(&r);
	return ret;
}

/* ---- changes: the container's own files against its image (docker diff) ---- */

bool isola_rootfs_stub(const char *rel, const struct stat *st)
{
	static const char *const dirs[] = {"proc", "dev", "sys"};
	static const char *const files[] = {"etc/hosts", "etc/hostname", "etc/resolv.conf"};
	for (size_t i = 0; i < 3; i++) {
		if (S_ISDIR(st->st_mode) && !strcmp(rel, dirs[i]))
			return true;
		if (S_ISREG(st->st_mode) && st->st_size == 0 && !strcmp(rel, files[i]))
			return true;
	}
	return false;
}

struct changes {
	char **lower; /* layer dirs, base first */
	size_t n;
	isola_change_fn fn;
	void *data;
};

static bool in_lower(const struct changes *c, const char *rel)
{
	for (size_t i = 0; i < c->n; i++) {
		char p[8192];
		struct stat st;
		snprintf(p, sizeof(p), "%s/%s", c->lower[i], rel);
		if (lstat(p, &st) == 0)
			return true;
	}
	return false;
}

static int walk_upper(const struct changes *c, int dirfd, const char *prefix,
		      struct isola_error *err)
{
	cleanup_closedir DIR *d = fdopendir(dup(dirfd));
	if (!d)
		return isola_err_sys(err, "read upper dir");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char rel[8192];
		struct stat st;
		snprintf(rel, sizeof(rel), "%s/%s", prefix, e->d_name);
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    isola_rootfs_stub(rel + 1, &st))
			continue;
		/* overlayfs marks a deletion with a 0/0 character device */
		bool whiteout = S_ISCHR(st.st_mode) && st.st_rdev == 0;
		c->fn(whiteout ? 'D' : in_lower(c, rel + 1) ? 'C' : 'A', rel, c->data);
		if (S_ISDIR(st.st_mode)) {
			cleanup_close int sub = openat(
			    dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0 && walk_upper(c, sub, rel, err) < 0)
				return -1;
		}
	}
	return 0;
}

int isola_rootfs_changes(struct isola_store *s, const char *id, isola_change_fn fn, void *data,
			 struct isola_error *err)
{
	struct record r;
	cleanup_close int cdirfd = open_container(s, id, err);
	if (cdirfd < 0 || record_load(cdirfd, &r, err) < 0)
		return -1;
	int ret = -1;
	if (strcmp(r.driver->name, "overlay") != 0) {
		isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "diff: needs the overlay storage driver");
	} else {
		cleanup_strv char **paths = layer_paths(s, r.layers, r.n, err);
		cleanup_close int upper =
		    openat(cdirfd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct changes c = {.lower = paths, .n = r.n, .fn = fn, .data = data};
		if (paths && upper < 0)
			isola_err_sys(err, "open upper dir");
		else if (paths)
			ret = walk_upper(&c, upper, "", err);
	}
	record_release(&r);
	return ret;
}
