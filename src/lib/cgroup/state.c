/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container's cgroups as a small JSON string in its state file, so that
 * later verbs (kill, pause, update, delete) never detect or guess again:
 * {"layout":"hybrid","hierarchies":[{"kind":"v1","mount":...,"path":...,"created":2}]}
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

static const char *const layout_names[] = {"none", "v1", "v2", "hybrid"};

const char *isola_cgroup_layout(const struct isola_cgroup *cg)
{
	return cg->disabled ? "none" : layout_names[cg->layout];
}

const char *isola_cgroup_dir(const struct isola_cgroup *cg, const char *controller)
{
	const struct cg_hier *h = NULL;
	if (cg->disabled)
		return NULL;
	h = controller && *controller ? cg_find(cg, controller) : cg_find_kind(cg, CG_V2);
	return h ? h->dir : NULL;
}

void isola_cgroup_set_warn(struct isola_cgroup *cg, isola_cgroup_warn_fn fn, void *data)
{
	cg->warn = fn;
	cg->warn_data = data;
}

static struct json_object *hier_json(const struct cg_hier *h)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(h->kind == CG_V2 ? "v2" : "v1"));
	json_object_object_add(o, "mount", json_object_new_string(h->mount));
	json_object_object_add(o, "controllers", json_object_new_string(h->controllers));
	json_object_object_add(o, "mount_root", json_object_new_string(h->mnt_root));
	json_object_object_add(o, "path", json_object_new_string(h->path));
	json_object_object_add(o, "created", json_object_new_int(h->created));
	return o;
}

char *isola_cgroup_save(const struct isola_cgroup *cg)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	char *s;
	json_object_object_add(o, "layout", json_object_new_string(isola_cgroup_layout(cg)));
	for (size_t i = 0; i < cg->nh; i++)
		json_object_array_add(arr, hier_json(&cg->h[i]));
	json_object_object_add(o, "hierarchies", arr);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

static char *get_s(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

static int load_hier(struct json_object *o, struct cg_hier *h, struct isola_error *err)
{
	struct json_object *v;
	cleanup_free char *kind = get_s(o, "kind");
	h->mount = get_s(o, "mount");
	h->controllers = get_s(o, "controllers");
	h->mnt_root = get_s(o, "mount_root");
	h->path = get_s(o, "path");
	if (!kind || !h->mount || !h->controllers || !h->mnt_root || !h->path ||
	    h->path[0] != '/' || strstr(h->path, ".."))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: bad hierarchy entry");
	h->kind = strcmp(kind, "v2") == 0 ? CG_V2 : CG_V1;
	if (json_object_object_get_ex(o, "created", &v))
		h->created = json_object_get_int(v);
	h->dir = cg_path_join(h->mount, h->path);
	return h->dir ? 0 : isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup state");
}

static int load_into(struct isola_cgroup *cg, struct json_object *o, struct isola_error *err)
{
	struct json_object *arr;
	cleanup_free char *layout = get_s(o, "layout");
	if (!layout || !json_object_object_get_ex(o, "hierarchies", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: missing fields");
	for (int i = 1; i < 4; i++)
		if (strcmp(layout, layout_names[i]) == 0)
			cg->layout = i;
	cg->disabled = cg->layout == 0;
	size_t n = json_object_array_length(arr);
	cg->h = calloc(n ? n : 1, sizeof(*cg->h));
	if (!cg->h)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup state");
	for (size_t i = 0; i < n; i++) {
		cg->nh = i + 1;
		if (load_hier(json_object_array_get_idx(arr, i), &cg->h[i], err) < 0)
			return -1;
	}
	/* the cgroup may be gone (delete after a crash): not an error here */
	cg_open_fds(cg, NULL);
	return 0;
}

struct isola_cgroup *isola_cgroup_load(const char *saved, struct isola_error *err)
{
	struct json_object *o = saved ? json_tokener_parse(saved) : NULL;
	struct isola_cgroup *cg;
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: not a JSON object");
		return NULL;
	}
	cg = calloc(1, sizeof(*cg));
	if (!cg) {
		json_object_put(o);
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup state");
		return NULL;
	}
	cg->v2fd = cg->clone_fd = -1;
	int r = load_into(cg, o, err);
	json_object_put(o);
	if (r < 0) {
		isola_cgroup_free(cg);
		return NULL;
	}
	return cg;
}

void isola_cgroup_free(struct isola_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->nh; i++)
		cg_hier_release(&cg->h[i]);
	free(cg->h);
	if (cg->clone_fd >= 0)
		close(cg->clone_fd);
	free(cg);
}

int isola_cgroup_oom_fd(const struct isola_cgroup *cg, struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : cg_find(cg, "memory");
	if (!h)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no memory controller for this container");
	return cg_backend(h)->oom_fd(h, err);
}

int isola_cgroup_oom_count(const struct isola_cgroup *cg, unsigned long *count,
			   struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : cg_find(cg, "memory");
	*count = 0;
	if (!h)
		return 0;
	return cg_backend(h)->oom_count(h, count, err);
}
