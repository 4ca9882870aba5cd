/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "isola/oci.h"
#include "linux/lsm.h"
#include "linux/seccomp.h"
#include "spec/config.h"

int isola_spec_write(const char *bundle, bool rootless, struct isola_error *err)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (access(path, F_OK) == 0)
		return isola_err(err, ISOLA_ERR_EXISTS, 0, "file \"%s\" exists: remove it first",
				 path);
	char *json = isola_config_default_json(rootless);
	if (!json)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "could not generate the default config");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int r = 0;
	if (fd < 0 || isola_write_all(fd, json, strlen(json)) < 0 || write(fd, "\n", 1) != 1)
		r = isola_err_sys(err, "write \"%s\"", path);
	if (fd >= 0)
		close(fd);
	free(json);
	return r;
}

static struct json_object *strings(const char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (; *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static struct json_object *enabled(bool on)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "enabled", json_object_new_boolean(on));
	return o;
}

static struct json_object *cgroup_features(void)
{
	struct json_object *cg = json_object_new_object();
	json_object_object_add(cg, "v1", json_object_new_boolean(true));
	json_object_object_add(cg, "v2", json_object_new_boolean(true));
	json_object_object_add(cg, "systemd", json_object_new_boolean(false));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(cg, "rdma", json_object_new_boolean(true));
	return cg;
}

static struct json_object *linux_features(isola_warn_fn warn, void *warn_data)
{
	static const char *const ns[] = {"cgroup", "ipc",  "mount", "network", "pid",
					 "time",   "user", "uts",   NULL};
	struct json_object *l = json_object_new_object();
	json_object_object_add(l, "namespaces", strings(ns));
	struct json_object *caps = json_object_new_array();
	for (int i = 0; i <= isola_cap_last(); i++)
		if (isola_cap_name(i))
			json_object_array_add(caps, json_object_new_string(isola_cap_name(i)));
	json_object_object_add(l, "capabilities", caps);
	json_object_object_add(l, "cgroup", cgroup_features());
	struct isola_error err = {0};
	if (isola_seccomp_features(l, &err) < 0 && warn)
		warn(warn_data, err.msg);
	json_object_object_add(l, "apparmor", enabled(isola_lsm_apparmor_enabled()));
	json_object_object_add(l, "selinux", enabled(isola_lsm_selinux_enabled()));
	json_object_object_add(l, "intelRdt", enabled(false));
	struct json_object *ext = json_object_new_object();
	json_object_object_add(ext, "idmap", enabled(true));
	json_object_object_add(l, "mountExtensions", ext);
	return l;
}

char *isola_features_json(isola_warn_fn warn, void *warn_data)
{
	static const char *const hooks[] = {"prestart",
					    "createRuntime",
					    "createContainer",
					    "startContainer",
					    "poststart",
					    "poststop",
					    NULL};
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(o, "ociVersionMax", json_object_new_string("1.3.0"));
	json_object_object_add(o, "hooks", strings(hooks));
	json_object_object_add(o, "mountOptions", strings(isola_mount_option_names()));
	json_object_object_add(o, "linux", linux_features(warn, warn_data));
	char *s = strdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}
