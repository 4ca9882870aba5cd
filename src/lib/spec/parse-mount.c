/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "core/cleanup.h"
#include "spec/parse.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

enum opt_kind {
	OPT_FLAG,     /* set an MS_* flag */
	OPT_CLEAR,    /* clear an MS_* flag */
	OPT_PROP,     /* propagation */
	OPT_ATTR_SET, /* recursive MOUNT_ATTR_* (mount_setattr) */
	OPT_ATTR_CLR,
	OPT_ATIME, /* recursive atime mode: value is the mode to select */
	OPT_BIND,
	OPT_RBIND,
	OPT_IDMAP,
	OPT_RIDMAP,
	OPT_TMPCOPYUP,
};

struct mount_opt {
	const char *name;
	unsigned char kind;
	unsigned long value;
};

/* The option names runc and crun accept; anything else is filesystem data. */
static const struct mount_opt mount_opts[] = {
    {"ro", OPT_FLAG, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"nosuid", OPT_FLAG, MS_NOSUID},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nodev", OPT_FLAG, MS_NODEV},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"noexec", OPT_FLAG, MS_NOEXEC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"sync", OPT_FLAG, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_FLAG, MS_DIRSYNC},
    {"remount", OPT_FLAG, MS_REMOUNT},
    {"mand", OPT_FLAG, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"noatime", OPT_FLAG, MS_NOATIME},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"nodiratime", OPT_FLAG, MS_NODIRATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"relatime", OPT_FLAG, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_FLAG, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"lazytime", OPT_FLAG, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"silent", OPT_FLAG, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"bind", OPT_BIND, 0},
    {"rbind", OPT_RBIND, 0},
    {"private", OPT_PROP, MS_PRIVATE},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROP, MS_SHARED},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC},
    {"slave", OPT_PROP, MS_SLAVE},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROP, MS_UNBINDABLE},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_ATTR_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_ATTR_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_ATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_ATTR_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_ATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    {"rnoatime", OPT_ATIME, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_ATIME, MOUNT_ATTR_RELATIME},
    {"rrelatime", OPT_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_ATIME, MOUNT_ATTR_RELATIME},
    {"idmap", OPT_IDMAP, 0},
    {"ridmap", OPT_RIDMAP, 0},
    {"tmpcopyup", OPT_TMPCOPYUP, 0},
};

static const struct mount_opt *find_opt(const char *name)
{
	/* the first-byte test skips most strcmp calls: options are parsed twice per run */
	for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++)
		if (name[0] == mount_opts[i].name[0] && strcmp(name, mount_opts[i].name) == 0)
			return &mount_opts[i];
	return NULL;
}

unsigned long spec_propagation_from_name(const char *name)
{
	const struct mount_opt *o = find_opt(name);
	return o && o->kind == OPT_PROP ? o->value : 0;
}

/*
 * mount_setattr() takes the atime mode as one field: changing it needs the
 * whole MOUNT_ATTR__ATIME mask in attr_clr (else EINVAL) and the new mode in
 * attr_set. The "no"/"r" forms that only undo a mode select relatime, the
 * kernel default; "rnorelatime" selects strictatime, as norelatime does.
 */
static void apply_atime(struct isola_mount *m, uint64_t mode)
{
	m->attr_clr |= MOUNT_ATTR__ATIME;
	m->attr_set = (m->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | mode;
}

void spec_mount_option(struct isola_mount *m, const char *opt, char *data, size_t *data_len)
{
	const struct mount_opt *o = find_opt(opt);
	size_t len;

	if (!o) {
		len = strlen(opt);
		if (*data_len)
			data[(*data_len)++] = ',';
		memcpy(data + *data_len, opt, len + 1);
		*data_len += len;
		return;
	}
	switch (o->kind) {
	case OPT_FLAG:
		m->flags |= o->value;
		m->clear_flags &= ~o->value;
		break;
	case OPT_CLEAR:
		m->clear_flags |= o->value;
		m->flags &= ~o->value;
		break;
	case OPT_PROP:
		m->propagation = o->value;
		break;
	case OPT_ATTR_SET:
		m->attr_set |= o->value;
		m->attr_clr &= ~(uint64_t)o->value;
		break;
	case OPT_ATTR_CLR:
		m->attr_clr |= o->value;
		m->attr_set &= ~(uint64_t)o->value;
		break;
	case OPT_ATIME:
		apply_atime(m, o->value);
		break;
	case OPT_RBIND:
		m->recursive = true;
		__attribute__((fallthrough));
	case OPT_BIND:
		m->bind = true;
		break;
	case OPT_RIDMAP:
		m->idmap_recursive = true;
		__attribute__((fallthrough));
	case OPT_IDMAP:
		m->idmap = true;
		break;
	case OPT_TMPCOPYUP:
		m->tmpcopyup = true;
		break;
	}
}

static int parse_options(struct json_object *o, const char *path, struct isola_mount *m,
			 struct isola_error *err)
{
	struct json_object *arr;
	size_t n, total = 1, len = 0;
	int r = ju_array(o, path, "options", &arr, &n, err);

	if (r <= 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string))
			return ju_err(err, path, "options", "expected an array of strings");
		total += (size_t)json_object_get_string_len(v) + 1;
	}
	cleanup_free char *data = malloc(total);
	if (!data)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.options", path);
	data[0] = '\0';
	for (size_t i = 0; i < n; i++)
		spec_mount_option(m, json_object_get_string(json_object_array_get_idx(arr, i)),
				  data, &len);
	if (len > 0)
		m->data = steal_ptr(data);
	return 0;
}

int spec_parse_idmaps(struct json_object *obj, const char *parent, const char *key,
		      struct isola_idmap **maps, size_t *n, struct isola_error *err)
{
	char path[JU_PATH_MAX], ipath[JU_PATH_MAX];
	struct json_object *arr;
	size_t len;
	int r = ju_array(obj, parent, key, &arr, &len, err);

	if (r <= 0)
		return r;
	ju_join(path, sizeof(path), parent, key);
	*maps = calloc(len ? len : 1, sizeof(**maps));
	if (!*maps)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	*n = len;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		struct isola_idmap *m = &(*maps)[i];
		ju_index(ipath, sizeof(ipath), path, i);
		if (!json_object_is_type(e, json_type_object))
			return ju_err(err, ipath, NULL, "expected an object");
		if (ju_required(ju_uint32(e, ipath, "containerID", &m->container_id, err), ipath,
				"containerID", err) < 0 ||
		    ju_required(ju_uint32(e, ipath, "hostID", &m->host_id, err), ipath, "hostID",
				err) < 0 ||
		    ju_required(ju_uint32(e, ipath, "size", &m->size, err), ipath, "size", err) < 0)
			return -1;
		if (m->size == 0)
			return ju_err(err, ipath, "size", "must be greater than 0");
	}
	return 1;
}

static int resolve_bind_source(struct isola_mount *m, const char *bundle, const char *path,
			       struct isola_error *err)
{
	char *abs;
	/* runc resolves a relative bind source against the bundle (its cwd); so do we. */
	if (!m->bind || !m->source || spec_is_abs(m->source) || !bundle)
		return 0;
	if (asprintf(&abs, "%s/%s", bundle, m->source) < 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.source", path);
	free(m->source);
	m->source = abs;
	return 0;
}

static int parse_mount(struct json_object *o, const char *path, const char *bundle,
		       struct isola_mount *m, struct isola_error *err)
{
	int ru, rg;

	if (!json_object_is_type(o, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	if (ju_required(ju_strdup(o, path, "destination", &m->destination, err), path,
			"destination", err) < 0)
		return -1;
	if (!spec_is_abs(m->destination))
		return ju_err(err, path, "destination", "must be an absolute path");
	if (ju_strdup(o, path, "type", &m->type, err) < 0 ||
	    ju_strdup(o, path, "source", &m->source, err) < 0 || parse_options(o, path, m, err) < 0)
		return -1;
	if (m->type && strcmp(m->type, "bind") == 0)
		m->bind = true;
	if (resolve_bind_source(m, bundle, path, err) < 0)
		return -1;
	ru = spec_parse_idmaps(o, path, "uidMappings", &m->uid_mappings, &m->n_uid_mappings, err);
	if (ru < 0)
		return -1;
	rg = spec_parse_idmaps(o, path, "gidMappings", &m->gid_mappings, &m->n_gid_mappings, err);
	if (rg < 0)
		return -1;
	if ((m->n_uid_mappings > 0) != (m->n_gid_mappings > 0))
		return ju_err(err, path, NULL,
			      "idmapped mounts need both uidMappings and gidMappings");
	if (m->n_uid_mappings > 0)
		m->idmap = true;
	return 0;
}

int spec_parse_mounts(struct json_object *arr, size_t n, const char *bundle, struct isola_config *c,
		      struct isola_error *err)
{
	char path[32];

	c->mounts = calloc(n ? n : 1, sizeof(*c->mounts));
	if (!c->mounts)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "mounts");
	for (size_t i = 0; i < n; i++) {
		c->n_mounts = i + 1;
		ju_index(path, sizeof(path), "mounts", i);
		if (parse_mount(json_object_array_get_idx(arr, i), path, bundle, &c->mounts[i],
				err) < 0)
			return -1;
	}
	return 0;
}

void spec_mount_release(struct isola_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	free(m->data);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

const char *const *isola_mount_option_names(void)
{
	static const char *names[sizeof(mount_opts) / sizeof(mount_opts[0]) + 1];
	if (!names[0])
		for (size_t i = 0; i < sizeof(mount_opts) / sizeof(mount_opts[0]); i++)
			names[i] = mount_opts[i].name;
	return names;
}
