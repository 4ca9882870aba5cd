/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "spec/parse.h"

/*
 * "1.N" or "1.N.M", with an optional "-suffix"/"+build" (1.0.0-rc5, 1.2.0-dev):
 * minor is kept, the spec changes behaviour by version (poststart failures).
 */
static bool supported_version(const char *v, unsigned int *minor)
{
	int parts = 0;

	if (strncmp(v, "1.", 2) != 0)
		return false;
	v += 2;
	for (;;) {
		if (*v < '0' || *v > '9')
			return false;
		unsigned int n = 0;
		for (; *v >= '0' && *v <= '9'; v++)
			if (n < 100000) /* saturates: any huge minor is "newer" */
				n = n * 10 + (unsigned int)(*v - '0');
		if (parts++ == 0)
			*minor = n;
		if (*v != '.' || parts == 2)
			break;
		v++;
	}
	return *v == '\0' || *v == '-' || *v == '+';
}

static int parse_root(struct json_object *top, struct isola_config *c, struct isola_error *err)
{
	struct json_object *root;
	const char *path = NULL;

	if (ju_required(ju_object(top, "", "root", &root, err), "", "root", err) < 0 ||
	    ju_required(ju_string(root, "root", "path", &path, err), "root", "path", err) < 0 ||
	    ju_bool(root, "root", "readonly", &c->root_readonly, err) < 0)
		return -1;
	if (!*path)
		return ju_err(err, "root", "path", "must not be empty");
	if (spec_is_abs(path) || !c->bundle)
		c->root_path = strdup(path);
	else if (asprintf(&c->root_path, "%s/%s", c->bundle, path) < 0)
		c->root_path = NULL;
	if (!c->root_path)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "root.path");
	return 0;
}

static const char *const hook_keys[ISOLA_HOOK_KIND_COUNT] = {
    [ISOLA_HOOK_PRESTART] = "prestart",
    [ISOLA_HOOK_CREATE_RUNTIME] = "createRuntime",
    [ISOLA_HOOK_CREATE_CONTAINER] = "createContainer",
    [ISOLA_HOOK_START_CONTAINER] = "startContainer",
    [ISOLA_HOOK_POSTSTART] = "poststart",
    [ISOLA_HOOK_POSTSTOP] = "poststop",
};

static int parse_hook(struct json_object *e, const char *ipath, struct isola_hook *h,
		      struct isola_error *err)
{
	int64_t timeout = 0;
	int r;

	if (!json_object_is_type(e, json_type_object))
		return ju_err(err, ipath, NULL, "expected an object");
	if (ju_required(ju_strdup(e, ipath, "path", &h->path, err), ipath, "path", err) < 0)
		return -1;
	if (!spec_is_abs(h->path))
		return ju_err(err, ipath, "path", "must be an absolute path");
	if (ju_strv(e, ipath, "args", &h->args, err) < 0 ||
	    ju_strv(e, ipath, "env", &h->env, err) < 0)
		return -1;
	r = ju_int64(e, ipath, "timeout", INT_MIN, INT_MAX, &timeout, err);
	if (r < 0)
		return -1;
	if (r && timeout <= 0)
		return ju_err(err, ipath, "timeout", "must be greater than 0");
	h->timeout = (int)timeout;
	return 0;
}

static int parse_hook_list(struct json_object *hooks, int kind, struct isola_hook_list *l,
			   struct isola_error *err)
{
	char lpath[64], ipath[64];
	struct json_object *arr;
	size_t n;
	int r = ju_array(hooks, "hooks", hook_keys[kind], &arr, &n, err);

	if (r <= 0)
		return r;
	l->hooks = calloc(n ? n : 1, sizeof(*l->hooks));
	if (!l->hooks)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "hooks");
	ju_join(lpath, sizeof(lpath), "hooks", hook_keys[kind]);
	for (size_t i = 0; i < n; i++) {
		l->n = i + 1;
		ju_index(ipath, sizeof(ipath), lpath, i);
		if (parse_hook(json_object_array_get_idx(arr, i), ipath, &l->hooks[i], err) < 0)
			return -1;
	}
	return 0;
}

static int parse_hooks(struct json_object *top, struct isola_config *c, struct isola_error *err)
{
	struct json_object *hooks;
	int r = ju_object(top, "", "hooks", &hooks, err);

	if (r <= 0)
		return r;
	for (int k = 0; k < ISOLA_HOOK_KIND_COUNT; k++)
		if (parse_hook_list(hooks, k, &c->hooks[k], err) < 0)
			return -1;
	return 0;
}

static int parse_process_mounts(struct json_object *top, struct isola_config *c,
				struct isola_error *err)
{
	struct json_object *o;
	size_t n;
	int r = ju_object(top, "", "process", &o, err);

	if (r < 0)
		return -1;
	if (r) {
		if (isola_process_parse(o, "process", &c->process, err) < 0)
			return -1;
		c->has_process = true;
	}
	r = ju_array(top, "", "mounts", &o, &n, err);
	if (r > 0)
		r = spec_parse_mounts(o, n, c->bundle, c, err);
	return r < 0 ? -1 : 0;
}

static int parse_top(struct json_object *top, struct isola_config *c, struct isola_error *err)
{
	struct json_object *o;
	int r;

	if (!json_object_is_type(top, json_type_object))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "config.json: expected a JSON object");
	if (ju_required(ju_strdup(top, "", "ociVersion", &c->oci_version, err), "", "ociVersion",
			err) < 0)
		return -1;
	if (!supported_version(c->oci_version, &c->oci_minor))
		return ju_err(err, "", "ociVersion",
			      "unsupported version \"%s\" (isola supports 1.x)", c->oci_version);
	if (parse_root(top, c, err) < 0 || ju_strdup(top, "", "hostname", &c->hostname, err) < 0 ||
	    ju_strdup(top, "", "domainname", &c->domainname, err) < 0 ||
	    parse_process_mounts(top, c, err) < 0 || parse_hooks(top, c, err) < 0)
		return -1;
	r = ju_object(top, "", "annotations", &o, err);
	if (r > 0)
		r = spec_parse_kv(o, "annotations", &c->annotations, &c->n_annotations, err);
	if (r < 0)
		return -1;
	r = ju_object(top, "", "linux", &o, err);
	if (r > 0)
		r = spec_parse_linux(o, c, err);
	return r < 0 ? -1 : 0;
}

/* Rules that span several fields (runc's validator has the same ones). */
static int check_config(struct isola_config *c, struct isola_error *err)
{
	const struct isola_namespace *userns = isola_config_namespace(c, CLONE_NEWUSER);
	bool uts = isola_config_namespace(c, CLONE_NEWUTS) != NULL;

	if (c->hostname && *c->hostname && !uts)
		return ju_err(err, "", "hostname", "needs a private uts namespace");
	if (c->domainname && *c->domainname && !uts)
		return ju_err(err, "", "domainname", "needs a private uts namespace");
	if ((c->n_uid_mappings || c->n_gid_mappings) && !userns)
		return ju_err(err, "linux", c->n_uid_mappings ? "uidMappings" : "gidMappings",
			      "needs a user namespace in linux.namespaces");
	if (userns && !userns->path && (!c->n_uid_mappings || !c->n_gid_mappings))
		return ju_err(err, "linux", !c->n_uid_mappings ? "uidMappings" : "gidMappings",
			      "required when creating a user namespace");
	if (c->has_time_offsets && !isola_config_namespace(c, CLONE_NEWTIME))
		return ju_err(err, "linux", "timeOffsets", "needs a time namespace");
	if (spec_check_sysctl(c, err) < 0)
		return -1;
	if (!c->masked_paths)
		c->masked_paths = calloc(1, sizeof(char *));
	if (!c->readonly_paths)
		c->readonly_paths = calloc(1, sizeof(char *));
	if (!c->masked_paths || !c->readonly_paths)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "config");
	return 0;
}

/* Takes the reference to top. */
static struct isola_config *config_from_json(struct json_object *top, const char *bundle,
					     struct isola_error *err)
{
	struct isola_config *c = calloc(1, sizeof(*c));
	bool ok = false;

	if (!c || (bundle && !(c->bundle = strdup(bundle))))
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "config");
	else
		ok = parse_top(top, c, err) == 0 && check_config(c, err) == 0;
	json_object_put(top);
	if (ok)
		return c;
	isola_config_free(c);
	return NULL;
}

struct isola_config *isola_config_parse(const char *json_text, const char *bundle,
					struct isola_error *err)
{
	struct json_object *top = ju_parse_text(json_text, strlen(json_text), "config.json", err);

	return top ? config_from_json(top, bundle, err) : NULL;
}

struct isola_config *isola_config_load(const char *bundle, struct isola_error *err)
{
	cleanup_free char *file = NULL;
	struct json_object *top;

	if (asprintf(&file, "%s/config.json", bundle) < 0) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "config");
		return NULL;
	}
	top = ju_parse_file(file, err);
	return top ? config_from_json(top, bundle, err) : NULL;
}

void isola_config_free(struct isola_config *c)
{
	if (!c)
		return;
	free(c->oci_version);
	free(c->bundle);
	free(c->root_path);
	free(c->hostname);
	free(c->domainname);
	isola_process_release(&c->process);
	for (size_t i = 0; i < c->n_mounts; i++)
		spec_mount_release(&c->mounts[i]);
	free(c->mounts);
	for (int k = 0; k < ISOLA_HOOK_KIND_COUNT; k++) {
		for (size_t i = 0; i < c->hooks[k].n; i++) {
			free(c->hooks[k].hooks[i].path);
			isola_strv_free(c->hooks[k].hooks[i].args);
			isola_strv_free(c->hooks[k].hooks[i].env);
		}
		free(c->hooks[k].hooks);
	}
	spec_kv_free(c->annotations, c->n_annotations);
	spec_linux_release(c);
	free(c);
}
