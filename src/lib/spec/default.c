/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <json-c/json.h>

#include "spec/config.h"

/*
 * What `isola-runtime spec` writes: the same shape as `runc spec`, so tools
 * and people that edit runc's example config find the same fields here.
 */
static const char default_config[] =
    "{"
    "\"ociVersion\":\"1.2.0\","
    "\"process\":{"
    "  \"terminal\":true,"
    "  \"user\":{\"uid\":0,\"gid\":0},"
    "  \"args\":[\"sh\"],"
    "  \"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "          \"TERM=xterm\"],"
    "  \"cwd\":\"/\","
    "  \"capabilities\":{"
    "    \"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "    \"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
    "    \"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"
    "  },"
    "  \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "  \"noNewPrivileges\":true"
    "},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"isola\","
    "\"mounts\":["
    "  {\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "  {\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "   \"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "  {\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "   \"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
    "                \"gid=5\"]},"
    "  {\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "  {\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "   \"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "  {\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "  {\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}"
    "],"
    "\"linux\":{"
    "  \"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
    "  \"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "                {\"type\":\"uts\"},{\"type\":\"mount\"}],"
    "  \"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "                 \"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\","
    "                 \"/proc/sched_debug\",\"/sys/firmware\",\"/proc/scsi\","
    "                 \"/sys/devices/virtual/powercap\"],"
    "  \"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "                   \"/proc/sysrq-trigger\"]"
    "}"
    "}";

static struct json_object *idmap_for(unsigned int host_id)
{
	struct json_object *arr = json_object_new_array(), *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host_id));
	json_object_object_add(m, "size", json_object_new_int64(1));
	json_object_array_add(arr, m);
	return arr;
}

/* Without a network namespace of its own, a rootless container can't mount sysfs. */
static struct json_object *sys_rbind(void)
{
	struct json_object *m = json_object_new_object(), *opts = json_object_new_array();
	static const char *const o[] = {"rbind", "nosuid", "noexec", "nodev", "ro"};

	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++)
		json_object_array_add(opts, json_object_new_string(o[i]));
	json_object_object_add(m, "destination", json_object_new_string("/sys"));
	json_object_object_add(m, "type", json_object_new_string("none"));
	json_object_object_add(m, "source", json_object_new_string("/sys"));
	json_object_object_add(m, "options", opts);
	return m;
}

/* An unprivileged user can't map gid 5 (tty) or own a cgroup mount: drop those. */
static void rootless_mounts(struct json_object *mounts)
{
	for (size_t i = json_object_array_length(mounts); i-- > 0;) {
		struct json_object *m = json_object_array_get_idx(mounts, i), *v, *opts;
		const char *dest = json_object_object_get_ex(m, "destination", &v)
				       ? json_object_get_string(v)
				       : "";
		if (strcmp(dest, "/sys/fs/cgroup") == 0) {
			json_object_array_del_idx(mounts, i, 1);
			continue;
		}
		if (strcmp(dest, "/sys") == 0) {
			json_object_array_put_idx(mounts, i, sys_rbind());
			continue;
		}
		if (!json_object_object_get_ex(m, "options", &opts))
			continue;
		for (size_t j = json_object_array_length(opts); j-- > 0;) {
			const char *o = json_object_get_string(json_object_array_get_idx(opts, j));
			if (strncmp(o, "gid=", 4) == 0 || strncmp(o, "uid=", 4) == 0)
				json_object_array_del_idx(opts, j, 1);
		}
	}
}

static void rootless_linux(struct json_object *lo)
{
	struct json_object *nss, *ns, *v;

	json_object_object_del(lo, "resources");
	if (json_object_object_get_ex(lo, "namespaces", &nss)) {
		for (size_t i = json_object_array_length(nss); i-- > 0;) {
			ns = json_object_array_get_idx(nss, i);
			const char *t = json_object_object_get_ex(ns, "type", &v)
					    ? json_object_get_string(v)
					    : "";
			if (strcmp(t, "network") == 0 || strcmp(t, "user") == 0)
				json_object_array_del_idx(nss, i, 1);
		}
		ns = json_object_new_object();
		json_object_object_add(ns, "type", json_object_new_string("user"));
		json_object_array_add(nss, ns);
	}
	json_object_object_add(lo, "uidMappings", idmap_for(getuid()));
	json_object_object_add(lo, "gidMappings", idmap_for(getgid()));
}

/*
 * As runc's template: a cgroup namespace only where /sys/fs/cgroup is itself
 * cgroup2. On v1 and hybrid hosts tools built around runc's template add one
 * themselves, and would then meet "duplicate namespace".
 */
static void cgroup_ns_if_v2(struct json_object *lo)
{
	struct statfs fs;
	struct json_object *nss;
	if (statfs("/sys/fs/cgroup", &fs) < 0 || fs.f_type != CGROUP2_SUPER_MAGIC ||
	    !json_object_object_get_ex(lo, "namespaces", &nss))
		return;
	struct json_object *ns = json_object_new_object();
	json_object_object_add(ns, "type", json_object_new_string("cgroup"));
	json_object_array_add(nss, ns);
}

char *isola_config_default_json(bool rootless)
{
	struct json_object *top = json_tokener_parse(default_config), *v;
	char *out;

	if (!top)
		return NULL;
	if (json_object_object_get_ex(top, "linux", &v))
		cgroup_ns_if_v2(v);
	if (rootless) {
		if (json_object_object_get_ex(top, "mounts", &v))
			rootless_mounts(v);
		if (json_object_object_get_ex(top, "linux", &v))
			rootless_linux(v);
	}
	out = strdup(json_object_to_json_string_ext(
	    top, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_PRETTY_TAB |
		     JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
	return out;
}
