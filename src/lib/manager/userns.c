/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include "core/util.h"
#include "manager/internal.h"

/*
 * --userns, --uidmap, --gidmap: the record keeps the mappings themselves
 * (HostConfig.IDMappings, podman's "CONTAINER:HOST:SIZE" strings), so a
 * container keeps its ids across restarts and --userns=auto can see which
 * host ids the other containers hold. Auto ranges come from the subuid and
 * subgid entries of the user "isola" (else "containers", as podman); the
 * pick and the record's first save happen under containers.lock.
 */

#define AUTO_SIZE 65536

struct range {
	uint64_t start, size;
};

struct ranges {
	struct range *v;
	size_t n;
};

static int ranges_add(struct ranges *r, uint64_t start, uint64_t size)
{
	struct range *v = realloc(r->v, (r->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	r->v = v;
	r->v[r->n++] = (struct range){start, size};
	return 0;
}

/* "C:H:S" -> an idmap; false on junk or a range past 2^32. */
static bool idmap_parse(const char *s, struct isola_idmap *m)
{
	unsigned long long c, h, n;
	int end = 0;
	if (sscanf(s, "%llu:%llu:%llu%n", &c, &h, &n, &end) != 3 || s[end] || n == 0 ||
	    c + n > 1ULL << 32 || h + n > 1ULL << 32 || strchr(s, '-'))
		return false;
	*m = (struct isola_idmap){(uint32_t)c, (uint32_t)h, (uint32_t)n};
	return true;
}

static int maps_of(struct json_object *arr, struct isola_idmap **out, size_t *n,
		   struct isola_error *err)
{
	*n = arr ? json_object_array_length(arr) : 0;
	*out = *n ? calloc(*n, sizeof(**out)) : NULL;
	if (*n && !*out)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "id mappings");
	for (size_t i = 0; i < *n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));
		if (!s || !idmap_parse(s, &(*out)[i]))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "HostConfig.IDMappings: bad mapping \"%s\"", s ? s : "");
	}
	return 0;
}

int mgr_idmaps_get(struct json_object *rec, struct mgr_idmaps *maps, struct isola_error *err)
{
	struct json_object *idm = mgr_obj(mgr_obj(rec, "HostConfig"), "IDMappings");
	*maps = (struct mgr_idmaps){0};
	if (maps_of(mgr_obj(idm, "UidMap"), &maps->uid, &maps->nu, err) < 0 ||
	    maps_of(mgr_obj(idm, "GidMap"), &maps->gid, &maps->ng, err) < 0) {
		mgr_idmaps_release(maps);
		return -1;
	}
	if (!maps->nu != !maps->ng) {
		mgr_idmaps_release(maps);
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "HostConfig.IDMappings: needs both UidMap and GidMap");
	}
	return 0;
}

void mgr_idmaps_release(struct mgr_idmaps *maps)
{
	free(maps->uid);
	free(maps->gid);
	*maps = (struct mgr_idmaps){0};
}

uint32_t mgr_idmap_root(const struct isola_idmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].container_id == 0)
			return m[i].host_id;
	return n ? m[0].host_id : 0;
}

/* The ranges of "isola" in a subuid/subgid file, else those of "containers". */
static int sub_ranges(const char *path, struct ranges *out, struct isola_error *err)
{
	static const char *const users[] = {"isola", "containers"};
	cleanup_free char *text = NULL;
	*out = (struct ranges){0};
	if (isola_read_file_at(AT_FDCWD, path, &text, NULL, NULL) < 0 && errno != ENOENT)
		return isola_err_sys(err, "--userns=auto: read \"%s\"", path);
	for (size_t u = 0; text && u < 2 && out->n == 0; u++) {
		size_t ulen = strlen(users[u]);
		for (char *line = text; *line;
		     line += strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0)) {
			unsigned long long start, count;
			if (!strncmp(line, users[u], ulen) && line[ulen] == ':' &&
			    sscanf(line + ulen, ":%llu:%llu", &start, &count) == 2 && count > 0 &&
			    ranges_add(out, start, count) < 0)
				return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "subordinate ids");
		}
	}
	if (out->n == 0)
		return isola_err(
		    err, ISOLA_ERR_INVALID, 0,
		    "--userns=auto: no entry for user \"isola\" (or \"containers\") in \"%s\"",
		    path);
	return 0;
}

/* The host ranges every other container's record holds. */
static int used_ranges(struct isola_mgr *m, struct ranges *uids, struct ranges *gids,
		       struct isola_error *err)
{
	cleanup_strv char **ids = NULL;
	if (isola_ctr_list(m, &ids, err) < 0)
		return -1;
	for (char **id = ids; *id; id++) {
		struct json_object *rec = isola_ctr_load(m, *id, NULL);
		struct mgr_idmaps maps;
		if (!rec || mgr_idmaps_get(rec, &maps, NULL) < 0) {
			json_object_put(rec);
			continue;
		}
		int r = 0;
		for (size_t i = 0; i < maps.nu && r == 0; i++)
			r = ranges_add(uids, maps.uid[i].host_id, maps.uid[i].size);
		for (size_t i = 0; i < maps.ng && r == 0; i++)
			r = ranges_add(gids, maps.gid[i].host_id, maps.gid[i].size);
		mgr_idmaps_release(&maps);
		json_object_put(rec);
		if (r < 0)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "used id ranges");
	}
	return 0;
}

/* The lowest start of size free ids inside one of the subordinate ranges. */
static bool pick(const struct ranges *sub, const struct ranges *used, uint64_t size,
		 uint64_t *start)
{
	for (size_t i = 0; i < sub->n; i++) {
		uint64_t at = sub->v[i].start, end = sub->v[i].start + sub->v[i].size;
		bool moved = true;
		while (moved && at + size <= end) {
			moved = false;
			for (size_t j = 0; j < used->n; j++) {
				const struct range *u = &used->v[j];
				if (u->start < at + size && at < u->start + u->size) {
					at = u->start + u->size;
					moved = true;
				}
			}
		}
		if (at + size <= end && at + size <= 1ULL << 32) {
			*start = at;
			return true;
		}
	}
	return false;
}

static int auto_size(const char *mode, uint64_t *size, struct isola_error *err)
{
	*size = AUTO_SIZE;
	if (!strcmp(mode, "auto"))
		return 0;
	char *end;
	errno = 0;
	unsigned long long n = strncmp(mode, "auto:size=", 10) ? 0 : strtoull(mode + 10, &end, 10);
	if (n == 0 || errno || *end || n > 1ULL << 32)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid --userns \"%s\" (host, auto, auto:size=N)", mode);
	*size = n;
	return 0;
}

static struct json_object *map_strings(char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static struct json_object *map_one(uint64_t host, uint64_t size)
{
	char buf[64];
	struct json_object *a = json_object_new_array();
	snprintf(buf, sizeof(buf), "0:%llu:%llu", (unsigned long long)host,
		 (unsigned long long)size);
	json_object_array_add(a, json_object_new_string(buf));
	return a;
}

/* --userns=auto: the first free range in subuid and in subgid (the caller holds the lock);
 * idm NULL: only check that the files have entries. */
static int auto_maps(struct isola_mgr *m, uint64_t size, struct json_object *idm,
		     struct isola_error *err)
{
	const char *upath = m->subuid_path ? m->subuid_path : "/etc/subuid";
	const char *gpath = m->subgid_path ? m->subgid_path : "/etc/subgid";
	struct ranges su = {0}, sg = {0}, uu = {0}, ug = {0};
	uint64_t ustart = 0, gstart = 0;
	int r = sub_ranges(upath, &su, err);
	if (r == 0)
		r = sub_ranges(gpath, &sg, err);
	if (r == 0 && idm)
		r = used_ranges(m, &uu, &ug, err);
	if (r == 0 && idm && !pick(&su, &uu, size, &ustart))
		r = isola_err(err, ISOLA_ERR_INVALID, 0,
			      "--userns=auto: no free range of %llu ids in \"%s\"",
			      (unsigned long long)size, upath);
	if (r == 0 && idm && !pick(&sg, &ug, size, &gstart))
		r = isola_err(err, ISOLA_ERR_INVALID, 0,
			      "--userns=auto: no free range of %llu ids in \"%s\"",
			      (unsigned long long)size, gpath);
	if (r == 0 && idm) {
		json_object_object_add(idm, "UidMap", map_one(ustart, size));
		json_object_object_add(idm, "GidMap", map_one(gstart, size));
	}
	free(su.v), free(sg.v), free(uu.v), free(ug.v);
	return r;
}

static int check_maps(char *const *v, const char *flag, struct isola_error *err)
{
	struct isola_idmap m;
	for (; v && *v; v++)
		if (!idmap_parse(*v, &m))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "invalid %s \"%s\" (CONTAINER:HOST:SIZE)", flag, *v);
	return 0;
}

int mgr_userns_record(struct isola_mgr *m, const struct isola_ctr_opts *o, struct json_object *hc,
		      struct isola_error *err)
{
	const char *mode = o->userns ? o->userns : "";
	bool maps = o->uidmap || o->gidmap;
	uint64_t size;
	if (maps && *mode)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "conflicting options: --userns and --uidmap/--gidmap");
	if (*mode && strcmp(mode, "host") && auto_size(mode, &size, err) < 0)
		return -1;
	json_object_object_add(hc, "UsernsMode", json_object_new_string(maps ? "private" : mode));
	if (!maps) /* auto: the files are checked now, the range is picked at the save */
		return strncmp(mode, "auto", 4) ? 0 : auto_maps(m, 0, NULL, err);
	/* podman: one of the two given stands for both */
	if (check_maps(o->uidmap, "--uidmap", err) < 0 ||
	    check_maps(o->gidmap, "--gidmap", err) < 0)
		return -1;
	struct json_object *idm = json_object_new_object();
	json_object_object_add(hc, "IDMappings", idm);
	json_object_object_add(idm, "UidMap", map_strings(o->uidmap ? o->uidmap : o->gidmap));
	json_object_object_add(idm, "GidMap", map_strings(o->gidmap ? o->gidmap : o->uidmap));
	return 0;
}

int mgr_userns_pick(struct isola_mgr *m, const char *mode, struct json_object *hc,
		    struct isola_error *err)
{
	uint64_t size;
	if (auto_size(mode, &size, err) < 0)
		return -1;
	struct json_object *idm = json_object_new_object();
	json_object_object_add(hc, "IDMappings", idm);
	return auto_maps(m, size, idm, err);
}

static struct json_object *oci_maps(const struct isola_idmap *m, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "containerID", json_object_new_int64(m[i].container_id));
		json_object_object_add(o, "hostID", json_object_new_int64(m[i].host_id));
		json_object_object_add(o, "size", json_object_new_int64(m[i].size));
		json_object_array_add(a, o);
	}
	return a;
}

int mgr_userns_spec(struct json_object *spec, const struct mgr_idmaps *maps)
{
	if (!maps->nu)
		return 0;
	struct json_object *lo = mgr_obj(spec, "linux"), *ns = json_object_new_object();
	json_object_object_add(ns, "type", json_object_new_string("user"));
	json_object_array_add(mgr_obj(lo, "namespaces"), ns);
	json_object_object_add(lo, "uidMappings", oci_maps(maps->uid, maps->nu));
	json_object_object_add(lo, "gidMappings", oci_maps(maps->gid, maps->ng));
	return 1;
}

/*
 * The runtime binds the root inside the user namespace, as the container's
 * root: every directory above it must let that uid through. The store and
 * containers/ get o+x (as /var/lib/containers), the container's own dirs
 * its root's group only (0710, as docker's userns-remap).
 */
int mgr_userns_dirs(struct isola_mgr *m, const char *id, uint32_t gid, struct isola_error *err)
{
	char sub[256];
	struct stat st;
	const char *shared[] = {".", "containers"};
	for (size_t i = 0; i < 2; i++) {
		if (fstatat(m->store->rootfd, shared[i], &st, 0) < 0 ||
		    ((st.st_mode & 011) != 011 &&
		     fchmodat(m->store->rootfd, shared[i], (st.st_mode & 07777) | 011, 0) < 0))
			return isola_err_sys(err, "let the container's root through \"%s\"",
					     shared[i]);
	}
	for (int i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), i ? "containers/%s/bundle" : "containers/%s", id);
		if (fchownat(m->store->rootfd, sub, 0, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(m->store->rootfd, sub, 0710, 0) < 0)
			return isola_err_sys(err, "let the container's root through \"%s\"", sub);
	}
	return 0;
}

static uint32_t to_container(const struct isola_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].host_id && id - m[i].host_id < m[i].size)
			return m[i].container_id + (id - m[i].host_id);
	return id;
}

static int unshift_at(int dirfd, const char *name, const struct mgr_idmaps *maps, int depth,
		      struct isola_error *err)
{
	struct stat st;
	if (depth > 256 ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
		return isola_err_sys(err, "volume copy-up: \"%s\"", name);
	uid_t u = to_container(maps->uid, maps->nu, st.st_uid);
	gid_t g = to_container(maps->gid, maps->ng, st.st_gid);
	if ((u != st.st_uid || g != st.st_gid) &&
	    fchownat(dirfd, name, u, g, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) < 0)
		return isola_err_sys(err, "volume copy-up: chown \"%s\"", name);
	/* chown cleared the set-id bits */
	if (!S_ISLNK(st.st_mode) && (st.st_mode & 06000) &&
	    fchmodat(dirfd, *name ? name : ".", st.st_mode & 07777, 0) < 0)
		return isola_err_sys(err, "volume copy-up: chmod \"%s\"", name);
	if (!S_ISDIR(st.st_mode))
		return 0;
	cleanup_close int sub =
	    openat(dirfd, *name ? name : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_closedir DIR *d = sub >= 0 ? fdopendir(dup(sub)) : NULL;
	if (!d)
		return isola_err_sys(err, "volume copy-up: open \"%s\"", name);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    unshift_at(sub, e->d_name, maps, depth + 1, err) < 0)
			return -1;
	return 0;
}

int mgr_idmaps_unshift(int dirfd, const struct mgr_idmaps *maps, struct isola_error *err)
{
	return maps && maps->nu ? unshift_at(dirfd, "", maps, 0, err) : 0;
}
