/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "manager/internal.h"
#include "storage/storage.h"

/*
 * Named volumes, docker's "local" driver: <store>/volumes/<name>/_data, with
 * volume.json {Name, Driver, Mountpoint, CreatedAt, Labels, Anonymous}. A
 * new volume mounted over a directory of the image gets that directory's
 * content on the first start (docker's copy-up), marked by a "copyup" file
 * until done. Every change is under the containers lock.
 */

static int vol_path(struct isola_mgr *m, const char *name, const char *sub, char *buf, size_t size)
{
	return snprintf(buf, size, "%s/volumes/%s%s%s", m->store->root, name, sub ? "/" : "",
			sub ? sub : "");
}

struct json_object *isola_volume_load(struct isola_mgr *m, const char *name,
				      struct isola_error *err)
{
	char rel[512];
	cleanup_free char *text = NULL;
	if (isola_ctr_name_check(name, NULL) < 0) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "invalid volume name \"%s\"", name);
		return NULL;
	}
	snprintf(rel, sizeof(rel), "volumes/%s/volume.json", name);
	if (isola_read_file_at(m->store->rootfd, rel, &text, NULL, NULL) < 0) {
		isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no such volume: %s", name);
		return NULL;
	}
	struct json_object *o = json_tokener_parse(text);
	if (!o)
		isola_err(err, ISOLA_ERR_INVALID, 0, "volume %s: corrupt volume.json", name);
	return o;
}

static int volume_make(struct isola_mgr *m, const char *name, char **labels, bool anon,
		       struct isola_error *err)
{
	char rel[512], path[4096], now[64];
	snprintf(rel, sizeof(rel), "volumes/%s/_data", name);
	if (isola_mkdirs_at(m->store->rootfd, rel, 0755, err) < 0)
		return -1;
	struct json_object *o = json_object_new_object(), *l = json_object_new_object();
	mgr_now(now, sizeof(now));
	vol_path(m, name, "_data", path, sizeof(path));
	json_object_object_add(o, "Name", json_object_new_string(name));
	json_object_object_add(o, "Driver", json_object_new_string("local"));
	json_object_object_add(o, "Mountpoint", json_object_new_string(path));
	json_object_object_add(o, "CreatedAt", json_object_new_string(now));
	json_object_object_add(o, "Scope", json_object_new_string("local"));
	json_object_object_add(o, "Anonymous", json_object_new_boolean(anon));
	for (; labels && *labels; labels++) {
		const char *eq = strchr(*labels, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - *labels : (long)strlen(*labels)),
			 *labels);
		json_object_object_add(l, key, json_object_new_string(eq ? eq + 1 : ""));
	}
	json_object_object_add(o, "Labels", l);
	snprintf(rel, sizeof(rel), "volumes/%s/volume.json", name);
	size_t len;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY, &len);
	int r = isola_write_file_atomic(m->store->rootfd, rel, text, len, 0600, true, err);
	json_object_put(o);
	if (r == 0) {
		snprintf(rel, sizeof(rel), "volumes/%s/copyup", name);
		r = isola_write_file_atomic(m->store->rootfd, rel, "", 0, 0600, false, err);
	}
	return r;
}

int isola_volume_create(struct isola_mgr *m, const char *name, char **labels, char out[65],
			struct isola_error *err)
{
	char gen[65];
	if (!name || !*name) {
		unsigned char r[32];
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			return isola_err_sys(err, "getrandom");
		for (size_t i = 0; i < sizeof(r); i++)
			snprintf(gen + 2 * i, 3, "%02x", r[i]);
		name = gen;
	}
	if (isola_ctr_name_check(name, NULL) < 0)
		return isola_err(
		    err, ISOLA_ERR_INVALID, 0,
		    "invalid volume name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
	cleanup_close int lock = isola_mgr_lock(m, err);
	if (lock < 0)
		return -1;
	struct json_object *old = isola_volume_load(m, name, NULL);
	int r = old ? 0 : volume_make(m, name, labels, name == gen, err);
	json_object_put(old); /* docker: creating an existing volume returns it */
	if (r == 0 && out)
		snprintf(out, 65, "%s", name);
	return r;
}

/* Names of the containers whose Mounts use the volume. */
static int users_of(struct isola_mgr *m, const char *name, char *first, size_t size)
{
	char **ids = NULL;
	int n = 0;
	if (isola_ctr_list(m, &ids, NULL) < 0)
		return 0;
	for (char **i = ids; *i; i++) {
		struct json_object *rec = isola_ctr_load(m, *i, NULL),
				   *mounts = mgr_obj(rec, "Mounts");
		for (size_t k = 0; mounts && k < json_object_array_length(mounts); k++) {
			struct json_object *mt = json_object_array_get_idx(mounts, k);
			if (!strcmp(mgr_str(mt, "Type", ""), "volume") &&
			    !strcmp(mgr_str(mt, "Name", ""), name) && n++ == 0)
				snprintf(first, size, "%s", mgr_str(rec, "Name", "/") + 1);
		}
		json_object_put(rec);
		free(*i);
	}
	free(ids);
	return n;
}

int isola_volume_remove(struct isola_mgr *m, const char *name, bool force, struct isola_error *err)
{
	struct json_object *v = isola_volume_load(m, name, err);
	if (!v)
		return -1;
	json_object_put(v);
	char user[256];
	if (users_of(m, name, user, sizeof(user)) > 0 && !force)
		return isola_err(err, ISOLA_ERR_BUSY, 0,
				 "remove %s: volume is in use by container \"%s\"", name, user);
	cleanup_close int lock = isola_mgr_lock(m, err);
	char rel[512];
	snprintf(rel, sizeof(rel), "volumes/%s", name);
	return lock < 0 ? -1 : isola_rmtree_at(m->store->rootfd, rel, err);
}

int isola_volume_list(struct isola_mgr *m, char ***names, struct isola_error *err)
{
	int fd = openat(m->store->rootfd, "volumes", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*names = calloc(1, sizeof(char *));
	if (fd < 0)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open volumes/");
	cleanup_closedir DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t n = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char **nv = realloc(*names, (n + 2) * sizeof(char *));
		if (!nv)
			break;
		*names = nv;
		nv[n++] = strdup(e->d_name);
		nv[n] = NULL;
	}
	return 0;
}

/* Volumes no container uses (docker prunes only anonymous ones unless all). */
int isola_volume_prune(struct isola_mgr *m, bool all, char ***removed, struct isola_error *err)
{
	char **names = NULL, user[256];
	size_t n = 0;
	*removed = calloc(1, sizeof(char *));
	if (isola_volume_list(m, &names, err) < 0)
		return -1;
	for (char **v = names; *v; v++) {
		struct json_object *o = isola_volume_load(m, *v, NULL);
		bool anon = mgr_bool(o, "Anonymous");
		json_object_put(o);
		if ((all || anon) && users_of(m, *v, user, sizeof(user)) == 0 &&
		    isola_volume_remove(m, *v, false, NULL) == 0) {
			char **nv = realloc(*removed, (n + 2) * sizeof(char *));
			if (nv) {
				*removed = nv;
				nv[n++] = strdup(*v);
				nv[n] = NULL;
			}
		}
		free(*v);
	}
	free(names);
	return 0;
}

/* At start, with the root mounted: a new volume takes the image's content at its path. */
int mgr_volume_copyup(struct isola_mgr *m, const char *name, int rootfd, const char *dst,
		      const struct mgr_idmaps *maps, struct isola_error *err)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "volumes/%s/copyup", name);
	if (faccessat(m->store->rootfd, rel, F_OK, 0) < 0)
		return 0;
	cleanup_close int src =
	    isola_open_in_root(rootfd, dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, NULL);
	snprintf(rel, sizeof(rel), "volumes/%s/_data", name);
	cleanup_close int data = openat(m->store->rootfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src >= 0 && data >= 0 &&
	    (isola_copy_tree(src, data, ISOLA_COPY_EXACT, err) < 0 ||
	     mgr_idmaps_unshift(data, maps, err) < 0))
		return isola_err_prefix(err, "copy image content into volume \"%s\"", name);
	snprintf(rel, sizeof(rel), "volumes/%s/copyup", name);
	unlinkat(m->store->rootfd, rel, 0);
	return 0;
}

static struct json_object *mount_entry(const char *type, const char *name, const char *src,
				       const char *dst, bool rw)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "Type", json_object_new_string(type));
	if (name)
		json_object_object_add(o, "Name", json_object_new_string(name));
	json_object_object_add(o, "Source", json_object_new_string(src));
	json_object_object_add(o, "Destination", json_object_new_string(dst));
	json_object_object_add(o, "Mode", json_object_new_string(rw ? "" : "ro"));
	json_object_object_add(o, "RW", json_object_new_boolean(rw));
	return o;
}

static bool has_dest(struct json_object *mounts, const char *dst)
{
	for (size_t i = 0; i < json_object_array_length(mounts); i++)
		if (!strcmp(mgr_str(json_object_array_get_idx(mounts, i), "Destination", ""), dst))
			return true;
	return false;
}

/* One -v: /SRC:/DST[:ro|rw] (a bind), NAME:/DST[:ro|rw] (a volume), /DST (an anonymous one). */
static int one_volume(struct isola_mgr *m, const char *spec, struct json_object *mounts,
		      struct isola_error *err)
{
	char buf[4096], vol[65], path[4096];
	snprintf(buf, sizeof(buf), "%s", spec);
	char *dst = strchr(buf, ':'), *mode = NULL, *src = buf;
	if (dst) {
		*dst++ = 0;
		if ((mode = strchr(dst, ':')))
			*mode++ = 0;
	} else {
		dst = buf;
		src = NULL;
	}
	bool rw = !mode || !strcmp(mode, "rw");
	if ((mode && strcmp(mode, "ro") && strcmp(mode, "rw")) || dst[0] != '/')
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid volume \"%s\": expected [SRC:]/DST[:ro|rw]", spec);
	if (src && src[0] == '/') {
		if (access(src, F_OK) < 0)
			return isola_err_sys(err, "bind source \"%s\"", src);
		json_object_array_add(mounts, mount_entry("bind", NULL, src, dst, rw));
		return 0;
	}
	if (isola_volume_create(m, src, NULL, vol, err) < 0)
		return -1;
	vol_path(m, vol, "_data", path, sizeof(path));
	json_object_array_add(mounts, mount_entry("volume", vol, path, dst, rw));
	return 0;
}

/* Remove the anonymous volumes among mounts (a failed create, rm -v, --rm). */
void mgr_volumes_drop_anonymous(struct isola_mgr *m, struct json_object *mounts)
{
	for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
		struct json_object *mt = json_object_array_get_idx(mounts, i);
		const char *name = mgr_str(mt, "Name", NULL);
		struct json_object *v = name ? isola_volume_load(m, name, NULL) : NULL;
		if (v && mgr_bool(v, "Anonymous"))
			isola_volume_remove(m, name, true, NULL);
		json_object_put(v);
	}
}

struct json_object *mgr_mounts_new(struct isola_mgr *m, char **binds,
				   struct json_object *image_vols, struct isola_error *err)
{
	struct json_object *mounts = json_object_new_array();
	for (; binds && *binds; binds++) {
		if (one_volume(m, *binds, mounts, err) < 0)
			goto fail;
	}
	/* The image's VOLUMEs that no -v covers get anonymous volumes, as docker. */
	if (image_vols && json_object_is_type(image_vols, json_type_object)) {
		json_object_object_foreach(image_vols, dst, val)
		{
			(void)val;
			if (!has_dest(mounts, dst) && one_volume(m, dst, mounts, err) < 0)
				goto fail;
		}
	}
	return mounts;
fail:
	mgr_volumes_drop_anonymous(m, mounts);
	json_object_put(mounts);
	return NULL;
}
