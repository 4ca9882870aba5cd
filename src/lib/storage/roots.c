/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The image store's view of the container roots: which image and layers each
 * holds (so prune keeps them), and the removal of roots a dead create left.
 * Only storage reads its records (containers/<id>/rootfs.json).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "storage/storage.h"

static DIR *open_containers(struct isola_store *s)
{
	int fd = openat(s->rootfd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (fd >= 0 && !d)
		close(fd);
	return d;
}

/* Lenient on purpose: whatever a record names is kept, even from a driver we lack. */
static void record_refs(struct json_object *root, isola_root_ref_fn fn, void *data)
{
	struct json_object *v, *arr;
	const char *image = NULL;
	size_t len = 0, n = 0;
	if (json_object_object_get_ex(root, "image", &v))
		image = json_object_get_string(v);
	if (json_object_object_get_ex(root, "layers", &arr) &&
	    json_object_is_type(arr, json_type_array))
		len = json_object_array_length(arr);
	cleanup_free char **layers = calloc(len + 1, sizeof(*layers));
	for (size_t i = 0; layers && i < len; i++) {
		const char *l = json_object_get_string(json_object_array_get_idx(arr, i));
		if (l)
			layers[n++] = (char *)l;
	}
	fn(image, layers, layers ? n : 0, data);
}

void isola_storage_layers_in_use(struct isola_store *s, isola_root_ref_fn fn, void *data)
{
	cleanup_closedir DIR *d = open_containers(s);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char name[512];
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/rootfs.json", de->d_name);
		cleanup_free char *buf =
		    isola_read_small_file_at(dirfd(d), name, 1 << 20, NULL, NULL);
		struct json_object *root = buf ? json_tokener_parse(buf) : NULL;
		if (root)
			record_refs(root, fn, data);
		json_object_put(root);
	}
}

/*
 * A container dir without its record is a create that died before the end:
 * with the store lock held exclusively no create is running, so it can go.
 */
int isola_storage_sweep(struct isola_store *s, size_t *count, int64_t *bytes,
			struct isola_error *err)
{
	int fd = openat(s->rootfd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open \"containers\"");
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return isola_err_sys(err, "open \"containers\"");
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		char name[512];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/rootfs.json", de->d_name);
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		*bytes += isola_tree_size_at(dirfd(d), de->d_name);
		if (isola_rmtree_at(dirfd(d), de->d_name, err) < 0)
			return isola_err_prefix(err, "prune \"containers\"");
		(*count)++;
	}
	return 0;
}

static const struct isola_store_roots storage_roots = {
    .each = isola_storage_layers_in_use,
    .sweep = isola_storage_sweep,
};

void isola_storage_attach(struct isola_store *s)
{
	s->roots = &storage_roots;
}
