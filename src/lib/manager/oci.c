/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/util.h"
#include "manager/internal.h"
#include "spec/config.h"

/*
 * A record -> the OCI config.json that libisola's create reads. Written at
 * each start (after the root is mounted: user names are looked up in the
 * container's own /etc/passwd), so `isola config` edits take effect.
 */

/* Docker's default capability set. */
static const char *const default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",	       "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",	       "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",	   "CAP_AUDIT_WRITE",
};

static struct json_object *sv(const char *s)
{
	return json_object_new_string(s);
}

static void add_strings(struct json_object *arr, struct json_object *src)
{
	for (size_t i = 0; src && i < json_object_array_length(src); i++)
		json_object_array_add(
		    arr, sv(json_object_get_string(json_object_array_get_idx(src, i))));
}

/* "NET_ADMIN" or "CAP_NET_ADMIN" -> "CAP_NET_ADMIN"; -1 when unknown. */
static int cap_norm(const char *in, char *out, size_t size)
{
	snprintf(out, size, "%s%s", strncasecmp(in, "CAP_", 4) ? "CAP_" : "", in);
	for (char *p = out; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	return isola_cap_from_name(out);
}

static int caps_set(struct json_object *hc, uint64_t *set, struct isola_error *err)
{
	*set = 0;
	if (mgr_bool(hc, "Privileged")) {
		for (int c = 0; c <= isola_cap_last(); c++)
			*set |= 1ULL << c;
		return 0;
	}
	for (size_t i = 0; i < sizeof(default_caps) / sizeof(*default_caps); i++)
		*set |= 1ULL << isola_cap_from_name(default_caps[i]);
	struct json_object *lists[2] = {mgr_obj(hc, "CapAdd"), mgr_obj(hc, "CapDrop")};
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l] && i < json_object_array_length(lists[l]); i++) {
			const char *name =
			    json_object_get_string(json_object_array_get_idx(lists[l], i));
			char full[64];
			uint64_t bits;
			if (!strcasecmp(name, "ALL")) {
				bits = ~0ULL >> (63 - isola_cap_last());
			} else {
				int c = cap_norm(name, full, sizeof(full));
				if (c < 0)
					return isola_err(err, ISOLA_ERR_INVALID, 0,
							 "unknown capability: \"%s\"", name);
				bits = 1ULL << c;
			}
			*set = l == 0 ? *set | bits : *set & ~bits;
		}
	}
	return 0;
}

static int process_caps(struct json_object *proc, struct json_object *hc, struct isola_error *err)
{
	uint64_t set;
	if (caps_set(hc, &set, err) < 0)
		return -1;
	struct json_object *caps = json_object_new_object();
	static const char *const kinds[] = {"bounding", "effective", "permitted"};
	for (size_t k = 0; k < 3; k++) {
		struct json_object *a = json_object_new_array();
		for (int c = 0; c <= isola_cap_last(); c++)
			if (set & (1ULL << c))
				json_object_array_add(a, sv(isola_cap_name(c)));
		json_object_object_add(caps, kinds[k], a);
	}
	json_object_object_add(proc, "capabilities", caps);
	return 0;
}

/* Find name (or a numeric id) in the container's passwd/group file: fields 0 and 2 (and 3). */
static int lookup_id(int rootfd, const char *file, const char *name, long *id, long *gid)
{
	char *end;
	long v = strtol(name, &end, 10);
	if (*name && !*end && v >= 0) {
		*id = v;
		if (!gid)
			return 0;
	}
	struct isola_error e;
	int fd = isola_open_in_root(rootfd, file, O_RDONLY | O_CLOEXEC, 0, &e);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return *name && !*end ? 0 : -1;
	}
	char line[1024];
	int found = -1;
	while (found < 0 && fgets(line, sizeof(line), f)) {
		char *save, *f0 = strtok_r(line, ":", &save), *f1 = strtok_r(NULL, ":", &save);
		char *f2 = strtok_r(NULL, ":", &save), *f3 = strtok_r(NULL, ":", &save);
		if (!f0 || !f1 || !f2)
			continue;
		bool match = !strcmp(f0, name) || (*name && !*end && atol(f2) == v);
		if (match) {
			*id = atol(f2);
			if (gid && f3)
				*gid = atol(f3);
			found = 0;
		}
	}
	fclose(f);
	return found < 0 && *name && !*end ? 0 : found;
}

int mgr_resolve_user(int rootfd, const char *spec, long *uid, long *gid, struct isola_error *err)
{
	char buf[256];
	*uid = *gid = 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	char *group = strchr(buf, ':');
	if (group)
		*group++ = 0;
	if (*buf && lookup_id(rootfd, "/etc/passwd", buf, uid, gid) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "unable to find user %s: no matching entries in passwd file", buf);
	if (group && lookup_id(rootfd, "/etc/group", group, gid, NULL) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "unable to find group %s: no matching entries in group file",
				 group);
	return 0;
}

static int process_user(struct json_object *proc, const char *spec, int rootfd,
			struct isola_error *err)
{
	long uid, gid;
	if (mgr_resolve_user(rootfd, spec, &uid, &gid, err) < 0)
		return -1;
	struct json_object *u = json_object_new_object();
	json_object_object_add(u, "uid", json_object_new_int64(uid));
	json_object_object_add(u, "gid", json_object_new_int64(gid));
	json_object_object_add(proc, "user", u);
	return 0;
}

static bool env_has(struct json_object *env, const char *key)
{
	size_t n = strlen(key);
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));
		if (!strncmp(e, key, n) && e[n] == '=')
			return true;
	}
	return false;
}

static int process_json(struct json_object *spec, struct json_object *rec, int rootfd,
			struct isola_error *err)
{
	struct json_object *cfg = mgr_obj(rec, "Config"), *hc = mgr_obj(rec, "HostConfig");
	struct json_object *proc = mgr_obj(spec, "process"), *args = json_object_new_array();
	if (mgr_bool(hc, "Init"))
		json_object_array_add(args, sv("/dev/init"));
	add_strings(args, mgr_obj(cfg, "Entrypoint"));
	add_strings(args, mgr_obj(cfg, "Cmd"));
	if (json_object_array_length(args) == (mgr_bool(hc, "Init") ? 1u : 0u)) {
		json_object_put(args);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "no command specified");
	}
	json_object_object_add(proc, "args", args);
	json_object_object_add(proc, "terminal", json_object_new_boolean(mgr_bool(cfg, "Tty")));
	struct json_object *size = mgr_obj(hc, "ConsoleSize");
	if (mgr_bool(cfg, "Tty") && size && json_object_array_length(size) == 2) {
		struct json_object *cs = json_object_new_object();
		json_object_object_add(cs, "height",
				       json_object_get(json_object_array_get_idx(size, 0)));
		json_object_object_add(cs, "width",
				       json_object_get(json_object_array_get_idx(size, 1)));
		json_object_object_add(proc, "consoleSize", cs);
	}
	const char *wd = mgr_str(cfg, "WorkingDir", "");
	json_object_object_add(proc, "cwd", sv(*wd ? wd : "/"));
	struct json_object *env = json_object_new_array();
	char host[300];
	snprintf(host, sizeof(host), "HOSTNAME=%s", mgr_str(cfg, "Hostname", ""));
	add_strings(env, mgr_obj(cfg, "Env"));
	if (!env_has(env, "PATH"))
		json_object_array_add(env, sv("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
					      "/usr/bin:/sbin:/bin"));
	if (!env_has(env, "HOSTNAME"))
		json_object_array_add(env, sv(host));
	if (mgr_bool(cfg, "Tty") && !env_has(env, "TERM"))
		json_object_array_add(env, sv("TERM=xterm"));
	json_object_object_add(proc, "env", env);
	if (mgr_ulimits(proc, mgr_obj(hc, "Ulimits"), err) < 0)
		return -1;
	bool nnp = false;
	struct json_object *so = mgr_obj(hc, "SecurityOpt");
	for (size_t i = 0; so && i < json_object_array_length(so); i++) {
		const char *o = json_object_get_string(json_object_array_get_idx(so, i));
		if (!strcmp(o, "no-new-privileges") || !strcmp(o, "no-new-privileges:true") ||
		    !strcmp(o, "no-new-privileges=true"))
			nnp = true;
	}
	json_object_object_add(proc, "noNewPrivileges", json_object_new_boolean(nnp));
	if (process_caps(proc, hc, err) < 0)
		return -1;
	return process_user(proc, mgr_str(cfg, "User", ""), rootfd, err);
}

static struct json_object *mount_json(const char *dst, const char *type, const char *src,
				      const char *const *opts, const char *extra)
{
	struct json_object *m = json_object_new_object(), *o = json_object_new_array();
	json_object_object_add(m, "destination", sv(dst));
	json_object_object_add(m, "type", sv(type));
	json_object_object_add(m, "source", sv(src));
	for (; opts && *opts; opts++)
		json_object_array_add(o, sv(*opts));
	if (extra && *extra) {
		char buf[1024];
		snprintf(buf, sizeof(buf), "%s", extra);
		char *save;
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_object_array_add(o, sv(t));
	}
	json_object_object_add(m, "options", o);
	return m;
}

/* The record's Mounts: binds and volumes (a new volume first takes the image's content). */
static int add_binds(struct isola_mgr *m, struct json_object *mounts, struct json_object *list,
		     int rootfd, const struct mgr_idmaps *maps, struct isola_error *err)
{
	const char *extra = maps->nu ? "idmap" : NULL;
	static const char *const rw[] = {"rbind", "rprivate", NULL};
	static const char *const ro[] = {"rbind", "rprivate", "ro", NULL};
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *mt = json_object_array_get_idx(list, i);
		const char *dst = mgr_str(mt, "Destination", "/"), *src = mgr_str(mt, "Source", "");
		if (!strcmp(mgr_str(mt, "Type", ""), "volume") &&
		    mgr_volume_copyup(m, mgr_str(mt, "Name", ""), rootfd, dst, maps, err) < 0)
			return -1;
		json_object_array_add(
		    mounts, mount_json(dst, "bind", src, mgr_bool(mt, "RW") ? rw : ro, extra));
	}
	return 0;
}

static void add_tmpfs(struct json_object *mounts, struct json_object *tmpfs)
{
	static const char *const opts[] = {"nosuid", "nodev", "noexec", NULL};
	json_object_object_foreach(tmpfs, dst, val)
	{
		json_object_array_add(
		    mounts, mount_json(dst, "tmpfs", "tmpfs", opts, json_object_get_string(val)));
	}
}

/* /etc/hostname, /etc/hosts and /etc/resolv.conf: files of the container's own, bound in. */
static int add_etc_files(struct isola_mgr *m, const char *id, struct json_object *mounts,
			 struct json_object *rec, const char *extra, struct isola_error *err)
{
	static const char *const opts[] = {"rbind", "rprivate", NULL};
	static const char *const names[3] = {"hostname", "hosts", "resolv.conf"};
	char *data[3] = {NULL, NULL, NULL}, path[4096];
	if (asprintf(&data[0], "%s\n", mgr_str(mgr_obj(rec, "Config"), "Hostname", "")) < 0)
		data[0] = NULL;
	data[1] = mgr_net_hosts_text(m, id, rec);
	data[2] = mgr_net_resolv_text(rec);
	int r = 0;
	for (int i = 0; i < 3 && r == 0; i++) {
		char rel[256], dst[64];
		snprintf(rel, sizeof(rel), "containers/%s/%s", id, names[i]);
		r = !data[i] ? isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "/etc/%s", names[i])
			     : isola_write_file_atomic(m->store->rootfd, rel, data[i],
						       strlen(data[i]), 0644, false, err);
		mgr_path(m, id, names[i], path, sizeof(path));
		snprintf(dst, sizeof(dst), "/etc/%s", names[i]);
		if (r == 0)
			json_object_array_add(mounts, mount_json(dst, "bind", path, opts, extra));
	}
	for (int i = 0; i < 3; i++)
		free(data[i]);
	return r;
}

/*
 * A user namespace with a network namespace it does not own (a network's,
 * made by the monitor's helper as host root, the host's, another
 * container's): the kernel refuses it a sysfs mount (EPERM), so /sys is the
 * host's bound in, as podman does.
 */
static void sys_bind(struct json_object *mounts, bool rw)
{
	static const char *const ro[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		struct json_object *mt = json_object_array_get_idx(mounts, i);
		if (strcmp(mgr_str(mt, "destination", ""), "/sys"))
			continue;
		json_object_array_put_idx(
		    mounts, i, mount_json("/sys", "bind", "/sys", (const char *const *)ro, NULL));
		if (rw) /* --privileged: read-write */
			json_object_array_del_idx(
			    mgr_obj(json_object_array_get_idx(mounts, i), "options"), 4, 1);
	}
}

/* userns: the binds are idmapped with the container's mappings, so its root owns
 * what host root owns, and what it writes there is stored as root's. */
static int mounts_json(struct isola_mgr *m, const char *id, struct json_object *spec,
		       struct json_object *rec, int rootfd, const struct mgr_idmaps *maps,
		       struct isola_error *err)
{
	const char *extra = maps->nu ? "idmap" : NULL;
	struct json_object *hc = mgr_obj(rec, "HostConfig"), *mounts = mgr_obj(spec, "mounts");
	if (mgr_bool(hc, "Privileged")) {
		/* /sys read-write, as docker's --privileged. */
		for (size_t i = 0; i < json_object_array_length(mounts); i++) {
			struct json_object *mt = json_object_array_get_idx(mounts, i);
			if (!strcmp(mgr_str(mt, "destination", ""), "/sys"))
				json_object_array_del_idx(mgr_obj(mt, "options"), 3, 1);
		}
	}
	if (maps->nu && strcmp(mgr_str(hc, "NetworkMode", ""), "none"))
		sys_bind(mounts, mgr_bool(hc, "Privileged"));
	if (mgr_bool(hc, "Init")) {
		static const char *const ro[] = {"bind", "ro", "nosuid", "nodev", NULL};
		if (!m->init_path || access(m->init_path, X_OK) < 0)
			return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
					 "--init: isola-init not found (%s)",
					 m->init_path ? m->init_path : "not set");
		json_object_array_add(mounts,
				      mount_json("/dev/init", "bind", m->init_path, ro, NULL));
	}
	if (add_etc_files(m, id, mounts, rec, extra, err) < 0 ||
	    add_binds(m, mounts, mgr_obj(rec, "Mounts"), rootfd, maps, err) < 0)
		return -1;
	struct json_object *tmpfs = mgr_obj(hc, "Tmpfs");
	if (tmpfs && json_object_is_type(tmpfs, json_type_object))
		add_tmpfs(mounts, tmpfs);
	return 0;
}

static void ns_drop(struct json_object *lo, const char *type)
{
	struct json_object *nss = mgr_obj(lo, "namespaces");
	for (size_t i = json_object_array_length(nss); i-- > 0;)
		if (!strcmp(mgr_str(json_object_array_get_idx(nss, i), "type", ""), type))
			json_object_array_del_idx(nss, i, 1);
}

static void resources_json(struct json_object *lo, struct json_object *hc)
{
	struct json_object *res = mgr_obj(lo, "resources"), *mem = json_object_new_object(),
			   *cpu = json_object_new_object();
	int64_t v;
	if ((v = mgr_int(hc, "Memory", 0)) > 0)
		json_object_object_add(mem, "limit", json_object_new_int64(v));
	if ((v = mgr_int(hc, "MemorySwap", 0)) != 0)
		json_object_object_add(mem, "swap", json_object_new_int64(v));
	if ((v = mgr_int(hc, "NanoCpus", 0)) > 0) {
		json_object_object_add(cpu, "period", json_object_new_int64(100000));
		json_object_object_add(cpu, "quota", json_object_new_int64(v / 10000));
	}
	if ((v = mgr_int(hc, "CpuShares", 0)) > 0)
		json_object_object_add(cpu, "shares", json_object_new_int64(v));
	const char *cpus = mgr_str(hc, "CpusetCpus", "");
	if (*cpus)
		json_object_object_add(cpu, "cpus", sv(cpus));
	json_object_object_add(res, "memory", mem);
	json_object_object_add(res, "cpu", cpu);
	if ((v = mgr_int(hc, "PidsLimit", 0)) > 0) {
		struct json_object *p = json_object_new_object();
		json_object_object_add(p, "limit", json_object_new_int64(v));
		json_object_object_add(res, "pids", p);
	}
	if (mgr_bool(hc, "Privileged")) {
		struct json_object *all = json_object_new_array(), *rule = json_object_new_object();
		json_object_object_add(rule, "allow", json_object_new_boolean(1));
		json_object_object_add(rule, "access", sv("rwm"));
		json_object_array_add(all, rule);
		json_object_object_add(res, "devices", all);
	}
}

static int ns_path(struct json_object *lo, const char *type, const char *path)
{
	struct json_object *nss = mgr_obj(lo, "namespaces");
	for (size_t i = 0; i < json_object_array_length(nss); i++) {
		struct json_object *n = json_object_array_get_idx(nss, i);
		if (!strcmp(mgr_str(n, "type", ""), type))
			json_object_object_add(n, "path", json_object_new_string(path));
	}
	return 0;
}

/*
 * The network namespace: the host's for "host"; for networks, the one the
 * monitor's helper made, set up and creates the container from (named by
 * path, so that exec joins the init's like every namespace of the config);
 * another container's for "container:ID"; a new one (loopback only) for
 * "none".
 */
static int net_ns(struct isola_mgr *m, struct json_object *lo, struct json_object *rec,
		  struct isola_error *err)
{
	const char *mode = mgr_str(mgr_obj(rec, "HostConfig"), "NetworkMode", "");
	if (!strcmp(mode, "host")) {
		ns_drop(lo, "network");
		return 0;
	}
	if (mgr_net_joined(rec))
		return ns_path(lo, "network", "/proc/self/ns/net"); /* the helper's: see above */
	if (strncmp(mode, "container:", 10) != 0)
		return 0;
	struct json_object *other = isola_ctr_load(m, mode + 10, err);
	const char *st = other ? isola_ctr_status(m, other) : "";
	pid_t pid = (pid_t)mgr_int(mgr_obj(other, "State"), "Pid", 0);
	json_object_put(other);
	if (!other)
		return isola_err_prefix(err, "network container");
	if (strcmp(st, "running") != 0 || pid <= 0)
		return isola_err(err, ISOLA_ERR_STATE, 0, "network container %.12s is not running",
				 mode + 10);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	return ns_path(lo, "network", path);
}

static int linux_json(struct isola_mgr *m, const char *id, struct json_object *spec,
		      struct json_object *rec, struct isola_error *err)
{
	struct json_object *lo = mgr_obj(spec, "linux"), *hc = mgr_obj(rec, "HostConfig");
	char cg[128];
	snprintf(cg, sizeof(cg), "/isola-%s", id);
	json_object_object_add(lo, "cgroupsPath", sv(cg));
	if (net_ns(m, lo, rec, err) < 0)
		return -1;
	if (mgr_bool(hc, "Privileged")) {
		json_object_object_del(lo, "maskedPaths");
		json_object_object_del(lo, "readonlyPaths");
	}
	resources_json(lo, hc);
	if (mgr_devices(lo, mgr_obj(hc, "Devices"), err) < 0)
		return -1;
	return mgr_security(spec, hc, err);
}

int mgr_write_bundle(struct isola_mgr *m, const char *id, struct json_object *rec,
		     struct isola_error *err)
{
	cleanup_free char *text = isola_config_default_json(false);
	struct json_object *spec = text ? json_tokener_parse(text) : NULL;
	char rootfs[4096], rel[256];
	if (!spec)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "default config");
	mgr_path(m, id, "bundle/rootfs", rootfs, sizeof(rootfs));
	cleanup_close int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct json_object *root = mgr_obj(spec, "root");
	json_object_object_add(
	    root, "readonly",
	    json_object_new_boolean(mgr_bool(mgr_obj(rec, "HostConfig"), "ReadonlyRootfs")));
	json_object_object_add(spec, "hostname",
			       sv(mgr_str(mgr_obj(rec, "Config"), "Hostname", "")));
	struct mgr_idmaps maps = {0};
	int r = rootfd < 0 ? isola_err_sys(err, "open \"%s\"", rootfs) : 0;
	if (r == 0)
		r = mgr_idmaps_get(rec, &maps, err);
	if (r == 0)
		mgr_userns_spec(spec, &maps);
	if (r == 0)
		r = process_json(spec, rec, rootfd, err);
	if (r == 0)
		r = mounts_json(m, id, spec, rec, rootfd, &maps, err);
	mgr_idmaps_release(&maps);
	if (r == 0)
		r = linux_json(m, id, spec, rec, err);
	if (r == 0) {
		size_t len;
		const char *out = json_object_to_json_string_length(
		    spec, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
		snprintf(rel, sizeof(rel), "containers/%s/bundle/config.json", id);
		r = isola_write_file_atomic(m->store->rootfd, rel, out, len, 0600, false, err);
	}
	json_object_put(spec);
	return r;
}
