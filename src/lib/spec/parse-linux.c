/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "core/cleanup.h"
#include "spec/parse.h"
#include "spec/resources.h"
#include "spec/seccomp.h"

#define L "linux"

static int parse_namespace(struct json_object *e, const char *ipath, struct isola_config *c,
			   size_t i, struct isola_error *err)
{
	struct isola_namespace *ns = &c->namespaces[i];
	const char *type = NULL;

	if (!json_object_is_type(e, json_type_object))
		return ju_err(err, ipath, NULL, "expected an object");
	if (ju_required(ju_string(e, ipath, "type", &type, err), ipath, "type", err) < 0)
		return -1;
	ns->type = isola_namespace_from_name(type);
	if (ns->type < 0)
		return ju_err(err, ipath, "type", "unknown namespace \"%s\"", type);
	for (size_t j = 0; j < i; j++)
		if (c->namespaces[j].type == ns->type)
			return ju_err(err, ipath, "type", "duplicate namespace \"%s\"", type);
	if (ju_strdup(e, ipath, "path", &ns->path, err) < 0)
		return -1;
	if (ns->path && !spec_is_abs(ns->path))
		return ju_err(err, ipath, "path", "must be an absolute path");
	return 0;
}

static int parse_namespaces(struct json_object *lo, struct isola_config *c, struct isola_error *err)
{
	char ipath[64];
	struct json_object *arr;
	size_t n;
	int r = ju_array(lo, L, "namespaces", &arr, &n, err);

	if (r <= 0)
		return r;
	c->namespaces = calloc(n ? n : 1, sizeof(*c->namespaces));
	if (!c->namespaces)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "linux.namespaces");
	for (size_t i = 0; i < n; i++) {
		c->n_namespaces = i + 1;
		ju_index(ipath, sizeof(ipath), L ".namespaces", i);
		if (parse_namespace(json_object_array_get_idx(arr, i), ipath, c, i, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * Permission bits, optionally with the file-type bits of the device's own
 * type: podman passes the host node's st_mode (020600), as runc and crun take.
 */
static bool device_mode_ok(char type, uint32_t mode)
{
	uint32_t fmt = mode & ~07777u;
	if (fmt == 0)
		return true;
	return fmt == (type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR);
}

static int parse_device(struct json_object *e, const char *ipath, struct isola_device *d,
			struct isola_error *err)
{
	const char *type = NULL;
	uint32_t v;
	int r;

	if (!json_object_is_type(e, json_type_object))
		return ju_err(err, ipath, NULL, "expected an object");
	if (ju_required(ju_strdup(e, ipath, "path", &d->path, err), ipath, "path", err) < 0)
		return -1;
	if (!spec_is_abs(d->path))
		return ju_err(err, ipath, "path", "must be an absolute path");
	if (ju_required(ju_string(e, ipath, "type", &type, err), ipath, "type", err) < 0)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return ju_err(err, ipath, "type", "unknown device type \"%s\"", type);
	d->type = type[0];
	r = ju_int64(e, ipath, "major", 0, UINT32_MAX, &d->major, err);
	if (r < 0 || (r == 0 && d->type != 'p'))
		return ju_required(r, ipath, "major", err);
	r = ju_int64(e, ipath, "minor", 0, UINT32_MAX, &d->minor, err);
	if (r < 0 || (r == 0 && d->type != 'p'))
		return ju_required(r, ipath, "minor", err);
	if ((r = ju_uint32(e, ipath, "fileMode", &v, err)) < 0)
		return -1;
	if (r && !device_mode_ok(d->type, v))
		return ju_err(err, ipath, "fileMode", "%#o is not a mode for a device of type %c",
			      v, d->type);
	v &= 07777;
	d->has_mode = r > 0;
	d->mode = r ? v : 0;
	if ((r = ju_uint32(e, ipath, "uid", &v, err)) < 0)
		return -1;
	d->has_uid = r > 0;
	d->uid = r ? v : 0;
	if ((r = ju_uint32(e, ipath, "gid", &v, err)) < 0)
		return -1;
	d->has_gid = r > 0;
	d->gid = r ? v : 0;
	return 0;
}

static int parse_devices(struct json_object *lo, struct isola_config *c, struct isola_error *err)
{
	char ipath[64];
	struct json_object *arr;
	size_t n;
	int r = ju_array(lo, L, "devices", &arr, &n, err);

	if (r <= 0)
		return r;
	c->devices = calloc(n ? n : 1, sizeof(*c->devices));
	if (!c->devices)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "linux.devices");
	for (size_t i = 0; i < n; i++) {
		c->n_devices = i + 1;
		ju_index(ipath, sizeof(ipath), L ".devices", i);
		if (parse_device(json_object_array_get_idx(arr, i), ipath, &c->devices[i], err) < 0)
			return -1;
	}
	return 0;
}

static int parse_resources_seccomp(struct json_object *lo, struct isola_config *c,
				   struct isola_error *err)
{
	struct json_object *o;
	int r = ju_object(lo, L, "resources", &o, err);

	if (r < 0)
		return -1;
	if (r) {
		c->resources = isola_resources_parse(o, L ".resources", err);
		if (!c->resources)
			return -1;
		c->resources_json = json_object_get(o);
	}
	r = ju_object(lo, L, "seccomp", &o, err);
	if (r < 0)
		return -1;
	if (r) {
		c->seccomp = isola_seccomp_parse(o, L ".seccomp", err);
		if (!c->seccomp)
			return -1;
	}
	return 0;
}

static int parse_rootfs_propagation(struct json_object *lo, struct isola_config *c,
				    struct isola_error *err)
{
	const char *s = NULL;
	int r = ju_string(lo, L, "rootfsPropagation", &s, err);

	if (r <= 0)
		return r;
	c->rootfs_propagation = spec_propagation_from_name(s);
	if (!c->rootfs_propagation)
		return ju_err(err, L, "rootfsPropagation", "unknown propagation \"%s\"", s);
	return 0;
}

/* maskedPaths / readonlyPaths: absolute paths inside the container. */
static int parse_path_list(struct json_object *lo, const char *key, char ***out,
			   struct isola_error *err)
{
	char apath[64], ipath[64];

	if (ju_strv(lo, L, key, out, err) < 0)
		return -1;
	if (!*out) {
		*out = calloc(1, sizeof(char *));
		return *out ? 0 : isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "linux.%s", key);
	}
	for (size_t i = 0; (*out)[i]; i++) {
		if (spec_is_abs((*out)[i]))
			continue;
		ju_join(apath, sizeof(apath), L, key);
		return ju_err(err, ju_index(ipath, sizeof(ipath), apath, i), NULL,
			      "must be an absolute path");
	}
	return 0;
}

static int parse_personality(struct json_object *lo, struct isola_config *c,
			     struct isola_error *err)
{
	const char *sub = L ".personality";
	struct json_object *p;
	const char *domain = NULL;
	int r = ju_object(lo, L, "personality", &p, err);

	if (r <= 0)
		return r;
	if (ju_required(ju_string(p, sub, "domain", &domain, err), sub, "domain", err) < 0)
		return -1;
	if (strcmp(domain, "LINUX") == 0)
		c->personality = PER_LINUX;
	else if (strcmp(domain, "LINUX32") == 0)
		c->personality = PER_LINUX32;
	else
		return ju_err(err, sub, "domain", "unknown domain \"%s\"", domain);
	c->has_personality = true;
	return 0;
}

static int parse_clock_offset(struct json_object *v, const char *path, int64_t *secs,
			      uint32_t *nsecs, struct isola_error *err)
{
	int64_t ns = 0;

	if (!json_object_is_type(v, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	if (ju_int64(v, path, "secs", INT64_MIN, INT64_MAX, secs, err) < 0 ||
	    ju_int64(v, path, "nanosecs", 0, 999999999, &ns, err) < 0)
		return -1;
	*nsecs = (uint32_t)ns;
	return 0;
}

static int parse_time_offsets(struct json_object *lo, struct isola_config *c,
			      struct isola_error *err)
{
	char path[JU_PATH_MAX];
	struct json_object *o;
	int r = ju_object(lo, L, "timeOffsets", &o, err);

	if (r <= 0)
		return r;
	json_object_object_foreach(o, key, v)
	{
		ju_join(path, sizeof(path), L ".timeOffsets", key);
		if (strcmp(key, "boottime") == 0)
			r = parse_clock_offset(v, path, &c->time_offset_boottime_secs,
					       &c->time_offset_boottime_nsecs, err);
		else if (strcmp(key, "monotonic") == 0)
			r = parse_clock_offset(v, path, &c->time_offset_monotonic_secs,
					       &c->time_offset_monotonic_nsecs, err);
		else
			r = ju_err(err, path, NULL, "unknown clock (boottime or monotonic)");
		if (r < 0)
			return -1;
	}
	c->has_time_offsets = true;
	return 0;
}

/* The kernel's dev_valid_name(): what an interface may be called. */
static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= 16 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || *s == '\t' || *s == '\n')
			return false;
	return true;
}

static int parse_net_device(const char *host, struct json_object *v, struct isola_kv *kv,
			    struct isola_error *err)
{
	char path[JU_PATH_MAX];
	const char *name = host;

	ju_join(path, sizeof(path), L ".netDevices", host);
	if (!valid_ifname(host))
		return ju_err(err, path, NULL, "invalid interface name");
	if (!json_object_is_type(v, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	if (ju_string(v, path, "name", &name, err) < 0)
		return -1;
	if (!valid_ifname(name))
		return ju_err(err, path, "name", "invalid interface name \"%s\"", name);
	kv->key = strdup(host);
	kv->value = strdup(name);
	if (!kv->key || !kv->value)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	return 0;
}

static int parse_net_devices(struct json_object *lo, struct isola_config *c,
			     struct isola_error *err)
{
	struct json_object *o;
	size_t i = 0;
	int r = ju_object(lo, L, "netDevices", &o, err);

	if (r <= 0)
		return r;
	c->net_devices = calloc((size_t)json_object_object_length(o) + 1, sizeof(*c->net_devices));
	if (!c->net_devices)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "linux.netDevices");
	json_object_object_foreach(o, key, v)
	{
		c->n_net_devices = i + 1;
		if (parse_net_device(key, v, &c->net_devices[i++], err) < 0)
			return -1;
	}
	return 0;
}

static int parse_strings(struct json_object *lo, struct isola_config *c, struct isola_error *err)
{
	struct json_object *o;
	int r;

	if (ju_strdup(lo, L, "cgroupsPath", &c->cgroups_path, err) < 0 ||
	    ju_strdup(lo, L, "mountLabel", &c->mount_label, err) < 0)
		return -1;
	r = ju_object(lo, L, "sysctl", &o, err);
	if (r > 0)
		r = spec_parse_kv(o, L ".sysctl", &c->sysctl, &c->n_sysctl, err);
	return r < 0 ? -1 : 0;
}

/* Sysctls the kernel keeps per ipc namespace (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
static const char *const ipc_sysctls[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",		"kernel.sem", "kernel.shmall",
    "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", NULL,
};

/* "net/ipv4/ip_forward" is the same key as "net.ipv4.ip_forward"; false if too long. */
static bool sysctl_name(const char *key, char *k, size_t size)
{
	size_t n = strlen(key);

	if (n >= size)
		return false;
	for (size_t i = 0; i <= n; i++)
		k[i] = key[i] == '/' ? '.' : key[i];
	return true;
}

/*
 * The namespace a sysctl belongs to, or 0 when it is host-wide: writing one of
 * those from a container would change the host, so they are refused.
 */
static int sysctl_namespace(const char *k)
{
	if (strncmp(k, "net.", 4) == 0)
		return CLONE_NEWNET;
	if (strncmp(k, "fs.mqueue.", 10) == 0)
		return CLONE_NEWIPC;
	for (size_t i = 0; ipc_sysctls[i]; i++)
		if (strcmp(k, ipc_sysctls[i]) == 0)
			return CLONE_NEWIPC;
	if (strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0)
		return CLONE_NEWUTS;
	return 0;
}

/* The field a uts sysctl would silently override (sysctls are written last), if set. */
static const char *uts_field_set(const struct isola_config *c, const char *k)
{
	if (strcmp(k, "kernel.hostname") == 0 && c->hostname && *c->hostname)
		return "hostname";
	if (strcmp(k, "kernel.domainname") == 0 && c->domainname && *c->domainname)
		return "domainname";
	return NULL;
}

int spec_check_sysctl(const struct isola_config *c, struct isola_error *err)
{
	for (size_t i = 0; i < c->n_sysctl; i++) {
		const char *key = c->sysctl[i].key, *field;
		char k[256];
		int ns = sysctl_name(key, k, sizeof(k)) ? sysctl_namespace(k) : 0;
		if (!ns)
			return ju_err(err, L ".sysctl", key,
				      "not namespaced: it would change the host");
		if (!isola_config_namespace(c, ns))
			return ju_err(err, L ".sysctl", key, "needs a private %s namespace",
				      isola_namespace_name(ns));
		if (ns == CLONE_NEWUTS && (field = uts_field_set(c, k)))
			return ju_err(err, L ".sysctl", key, "conflicts with %s: set one of them",
				      field);
	}
	return 0;
}

int spec_parse_linux(struct json_object *lo, struct isola_config *c, struct isola_error *err)
{
	if (!json_object_is_type(lo, json_type_object))
		return ju_err(err, L, NULL, "expected an object");
	if (parse_namespaces(lo, c, err) < 0 ||
	    spec_parse_idmaps(lo, L, "uidMappings", &c->uid_mappings, &c->n_uid_mappings, err) <
		0 ||
	    spec_parse_idmaps(lo, L, "gidMappings", &c->gid_mappings, &c->n_gid_mappings, err) <
		0 ||
	    parse_devices(lo, c, err) < 0 || parse_strings(lo, c, err) < 0 ||
	    parse_rootfs_propagation(lo, c, err) < 0 ||
	    parse_path_list(lo, "maskedPaths", &c->masked_paths, err) < 0 ||
	    parse_path_list(lo, "readonlyPaths", &c->readonly_paths, err) < 0 ||
	    parse_personality(lo, c, err) < 0 || parse_time_offsets(lo, c, err) < 0 ||
	    parse_net_devices(lo, c, err) < 0)
		return -1;
	/* Last: resources and seccomp are parsed by other modules and cost the most. */
	return parse_resources_seccomp(lo, c, err);
}

void spec_linux_release(struct isola_config *c)
{
	for (size_t i = 0; i < c->n_namespaces; i++)
		free(c->namespaces[i].path);
	free(c->namespaces);
	free(c->uid_mappings);
	free(c->gid_mappings);
	for (size_t i = 0; i < c->n_devices; i++)
		free(c->devices[i].path);
	free(c->devices);
	free(c->cgroups_path);
	if (c->resources)
		isola_resources_free(c->resources);
	if (c->resources_json)
		json_object_put(c->resources_json);
	spec_kv_free(c->sysctl, c->n_sysctl);
	if (c->seccomp)
		isola_seccomp_free(c->seccomp);
	isola_strv_free(c->masked_paths);
	isola_strv_free(c->readonly_paths);
	free(c->mount_label);
	spec_kv_free(c->net_devices, c->n_net_devices);
}
