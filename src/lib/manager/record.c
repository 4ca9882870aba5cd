/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "manager/internal.h"

/*
 * Container records and names. A name is a symlink names/<name> -> <id>:
 * symlinkat() fails with EEXIST when the name is taken, so two racing
 * `isola run --name x` can never both get it, lock or no lock.
 */

int isola_mgr_open(const char *root, const char *run, struct isola_mgr *m, struct isola_error *err)
{
	*m = (struct isola_mgr){0};
	m->store = isola_store_open(root, ISOLA_STORE_SHARED, err);
	if (!m->store)
		return -1;
	if (asprintf(&m->run, "%s", run) < 0 || asprintf(&m->rt_root, "%s/runtime", run) < 0) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "run root");
		goto fail;
	}
	if (isola_mkdirs_at(AT_FDCWD, m->rt_root, 0700, err) < 0 || mgr_mkdir_run(m, "m", err) < 0)
		goto fail;
	m->rt.root = m->rt_root;
	return 0;
fail:
	isola_mgr_close(m);
	return -1;
}

void isola_mgr_close(struct isola_mgr *m)
{
	if (m->store)
		isola_store_close(m->store);
	free(m->run);
	free(m->rt_root);
	*m = (struct isola_mgr){0};
}

int mgr_mkdir_run(struct isola_mgr *m, const char *sub, struct isola_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", m->run, sub);
	return isola_mkdirs_at(AT_FDCWD, path, 0700, err);
}

int isola_mgr_lock(struct isola_mgr *m, struct isola_error *err)
{
	int fd = openat(m->store->rootfd, "containers.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return isola_err_sys(err, "open containers.lock");
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			close(fd);
			return isola_err_sys(err, "lock containers.lock");
		}
	}
	return fd;
}

static bool is_hex_id(const char *s)
{
	size_t n = strlen(s);
	return n == 64 && strspn(s, "0123456789abcdef") == n;
}

/* A unique id prefix (>= 3 characters), as docker accepts. */
static int resolve_prefix(struct isola_mgr *m, const char *ref, char id_out[65],
			  struct isola_error *err)
{
	cleanup_strv char **ids = NULL;
	size_t n = strlen(ref), found = 0;
	if (n < 3 || strspn(ref, "0123456789abcdef") != n || isola_ctr_list(m, &ids, err) < 0)
		return -1;
	for (char **i = ids; *i; i++) {
		if (strncmp(*i, ref, n) == 0) {
			if (found++)
				return isola_err(err, ISOLA_ERR_INVALID, 0,
						 "multiple containers match \"%s\"", ref);
			snprintf(id_out, 65, "%s", *i);
		}
	}
	return found ? 0 : -1;
}

int isola_ctr_resolve(struct isola_mgr *m, const char *ref, char id_out[65],
		      struct isola_error *err)
{
	char path[512], link[128];
	const char *name = ref[0] == '/' ? ref + 1 : ref;
	if (isola_ctr_name_check(name, NULL) == 0) {
		snprintf(path, sizeof(path), "names/%s", name);
		ssize_t n = readlinkat(m->store->rootfd, path, link, sizeof(link) - 1);
		if (n == 64) {
			link[n] = 0;
			snprintf(id_out, 65, "%s", link);
			return 0;
		}
	}
	if (is_hex_id(ref)) {
		snprintf(path, sizeof(path), "containers/%s/container.json", ref);
		if (faccessat(m->store->rootfd, path, F_OK, 0) == 0) {
			snprintf(id_out, 65, "%s", ref);
			return 0;
		}
	}
	struct isola_error perr = {0};
	if (resolve_prefix(m, ref, id_out, &perr) == 0)
		return 0;
	if (perr.kind)
		return isola_err(err, perr.kind, 0, "%s", perr.msg);
	return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no such container: %s", ref);
}

struct json_object *isola_ctr_load(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	char path[512];
	cleanup_free char *text = NULL;
	snprintf(path, sizeof(path), "containers/%s/container.json", id);
	if (isola_read_file_at(m->store->rootfd, path, &text, NULL, err) < 0) {
		if (errno == ENOENT)
			isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no such container: %s", id);
		return NULL;
	}
	struct json_object *o = json_tokener_parse(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		isola_err(err, ISOLA_ERR_INVALID, 0, "container %.12s: corrupt record", id);
		return NULL;
	}
	return o;
}

int isola_ctr_save(struct isola_mgr *m, const char *id, struct json_object *rec,
		   struct isola_error *err)
{
	return mgr_save(m, id, rec, true, err);
}

int mgr_save(struct isola_mgr *m, const char *id, struct json_object *rec, bool durable,
	     struct isola_error *err)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof(path), "containers/%s/container.json", id);
	const char *text = json_object_to_json_string_length(
	    rec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	return isola_write_file_atomic(m->store->rootfd, path, text, len, 0600, durable, err);
}

int isola_ctr_foreach(struct isola_mgr *m, isola_ctr_fn fn, void *data, struct isola_error *err)
{
	int fd = openat(m->store->rootfd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	cleanup_closedir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d)
		return isola_err_sys(err, "open containers/");
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!is_hex_id(e->d_name))
			continue;
		struct json_object *rec = isola_ctr_load(m, e->d_name, NULL);
		if (!rec)
			continue; /* a rootfs of `isola rootfs`, or a create in progress */
		int r = fn(e->d_name, rec, data);
		json_object_put(rec);
		if (r < 0)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "list containers");
	}
	return 0;
}

struct id_list {
	char **v;
	size_t n, cap;
};

static int add_id(const char *id, struct json_object *rec, void *data)
{
	struct id_list *l = data;
	if (l->n == l->cap) {
		char **nv =
		    realloc(l->v, ((l->cap = l->cap ? 2 * l->cap : 16) + 1) * sizeof(char *));
		if (!nv)
			return -1;
		l->v = nv;
	}
	if (asprintf(&l->v[l->n], "%s %s", mgr_str(rec, "Created", ""), id) < 0) {
		l->v[l->n] = NULL;
		return -1;
	}
	l->v[++l->n] = NULL;
	return 0;
}

static int by_created(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	return strcmp(*x, *y);
}

/* Entries sort as "<Created> <id>": creation order, as docker's ps shows (newest last). */
int isola_ctr_list(struct isola_mgr *m, char ***ids, struct isola_error *err)
{
	struct id_list l = {0};
	if (isola_ctr_foreach(m, add_id, &l, err) < 0) {
		isola_strv_free(l.v);
		return -1;
	}
	if (!l.v && !(l.v = calloc(1, sizeof(char *))))
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "list containers");
	qsort(l.v, l.n, sizeof(char *), by_created);
	for (size_t i = 0; i < l.n; i++)
		memmove(l.v[i], strrchr(l.v[i], ' ') + 1, 65);
	*ids = l.v;
	return 0;
}

int mgr_name_take(struct isola_mgr *m, const char *name, const char *id, struct isola_error *err)
{
	char path[512];
	snprintf(path, sizeof(path), "names/%s", name);
	if (symlinkat(id, m->store->rootfd, path) == 0)
		return 0;
	if (errno == EEXIST)
		return isola_err(err, ISOLA_ERR_EXISTS, 0,
				 "the container name \"/%s\" is already in use", name);
	return isola_err_sys(err, "take name \"%s\"", name);
}

/* Give the name back, only if it still points at id. */
void mgr_name_drop(struct isola_mgr *m, const char *name, const char *id)
{
	char path[512], link[128];
	snprintf(path, sizeof(path), "names/%s", name);
	ssize_t n = readlinkat(m->store->rootfd, path, link, sizeof(link) - 1);
	if (n == 64 && memcmp(link, id, 64) == 0)
		unlinkat(m->store->rootfd, path, 0);
}

int isola_ctr_rename(struct isola_mgr *m, const char *id, const char *name, struct isola_error *err)
{
	if (isola_ctr_name_check(name, err) < 0)
		return -1;
	cleanup_close int lock = isola_mgr_lock(m, err);
	struct json_object *rec = lock >= 0 ? isola_ctr_load(m, id, err) : NULL;
	if (!rec || mgr_name_take(m, name, id, err) < 0) {
		json_object_put(rec);
		return -1;
	}
	char old[256];
	snprintf(old, sizeof(old), "%s", mgr_str(rec, "Name", "/") + 1);
	char slashed[256];
	snprintf(slashed, sizeof(slashed), "/%s", name);
	json_object_object_add(rec, "Name", json_object_new_string(slashed));
	int r = isola_ctr_save(m, id, rec, err);
	if (r < 0)
		mgr_name_drop(m, name, id);
	else
		mgr_name_drop(m, old, id);
	if (r == 0)
		mgr_event(m, id, rec, "rename");
	json_object_put(rec);
	return r;
}

const char *mgr_str(struct json_object *o, const char *key, const char *def)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return def;
	return json_object_get_string(v);
}

int64_t mgr_int(struct json_object *o, const char *key, int64_t def)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return def;
	return json_object_get_int64(v);
}

bool mgr_bool(struct json_object *o, const char *key)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

struct json_object *mgr_obj(struct json_object *o, const char *key)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

void mgr_now(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	isola_rfc3339(&ts, true, buf, size);
}

void mgr_path(struct isola_mgr *m, const char *id, const char *sub, char *buf, size_t size)
{
	snprintf(buf, size, "%s/containers/%s/%s", m->store->root, id, sub);
}

void mgr_sock_path(struct isola_mgr *m, const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/m/%.16s.sock", m->run, id);
}
