/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "manager/internal.h"
#include "storage/storage.h"

/*
 * `isola create`: the image's config merged with the flags into one record,
 * in docker's inspect shape (Config, HostConfig, State), so `inspect` shows
 * it as it is and `isola config` edits what start reads.
 */

static struct json_object *strv_json(char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/* KEY=VALUE lists: later entries replace earlier ones with the same key. */
static void env_merge(struct json_object *env, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	for (size_t i = 0; i < json_object_array_length(env); i++) {
		const char *e = json_object_get_string(json_object_array_get_idx(env, i));
		if (e && strncmp(e, kv, klen) == 0 && (e[klen] == '=' || e[klen] == 0)) {
			json_object_array_put_idx(env, i, json_object_new_string(kv));
			return;
		}
	}
	json_object_array_add(env, json_object_new_string(kv));
}

static struct json_object *copy_or(struct json_object *img, const char *key)
{
	struct json_object *v = mgr_obj(img, key), *out = NULL;
	if (v && json_object_deep_copy(v, &out, NULL) == 0)
		return out;
	return NULL;
}

static struct json_object *labels_json(struct json_object *img, char *const *labels)
{
	struct json_object *o = copy_or(img, "Labels");
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	for (; labels && *labels; labels++) {
		const char *eq = strchr(*labels, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - *labels : (long)strlen(*labels)),
			 *labels);
		json_object_object_add(o, key, json_object_new_string(eq ? eq + 1 : ""));
	}
	return o;
}

static struct json_object *config_json(const char *id, const struct isola_ctr_opts *o,
				       struct json_object *img)
{
	struct json_object *c = json_object_new_object();
	char host[13];
	snprintf(host, sizeof(host), "%.12s", id);
	json_object_object_add(c, "Hostname",
			       json_object_new_string(o->hostname ? o->hostname : host));
	json_object_object_add(
	    c, "User", json_object_new_string(o->user ? o->user : mgr_str(img, "User", "")));
	struct json_object *env = copy_or(img, "Env");
	if (!env || !json_object_is_type(env, json_type_array)) {
		json_object_put(env);
		env = json_object_new_array();
	}
	for (char *const *e = o->env; e && *e; e++)
		env_merge(env, *e);
	json_object_object_add(c, "Env", env);
	/* As docker: --entrypoint drops the image's Cmd too; a command replaces Cmd. */
	struct json_object *entry =
	    o->entrypoint_set ? strv_json(o->entrypoint) : copy_or(img, "Entrypoint");
	struct json_object *cmd = o->cmd	      ? strv_json(o->cmd)
				  : o->entrypoint_set ? NULL
						      : copy_or(img, "Cmd");
	json_object_object_add(c, "Cmd", cmd);
	json_object_object_add(c, "Entrypoint", entry);
	json_object_object_add(c, "Image", json_object_new_string(o->image));
	json_object_object_add(
	    c, "WorkingDir",
	    json_object_new_string(o->workdir ? o->workdir : mgr_str(img, "WorkingDir", "")));
	json_object_object_add(c, "Labels", labels_json(img, o->labels));
	json_object_object_add(c, "Tty", json_object_new_boolean(o->tty));
	json_object_object_add(c, "OpenStdin", json_object_new_boolean(o->interactive));
	json_object_object_add(c, "StopSignal",
			       json_object_new_string(o->stop_signal
							  ? o->stop_signal
							  : mgr_str(img, "StopSignal", "SIGTERM")));
	json_object_object_add(c, "StopTimeout",
			       json_object_new_int(o->stop_timeout >= 0 ? o->stop_timeout : 10));
	json_object_object_add(c, "ExposedPorts", copy_or(img, "ExposedPorts"));
	json_object_object_add(c, "Volumes", copy_or(img, "Volumes"));
	return c;
}

static int restart_json(const char *spec, struct json_object *hc, struct isola_error *err)
{
	struct json_object *r = json_object_new_object();
	const char *name = spec ? spec : "no";
	long max = 0;
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", name);
	char *colon = strchr(buf, ':');
	if (colon) {
		char *end;
		*colon = 0;
		max = strtol(colon + 1, &end, 10);
		if (*end || max < 0 || strcmp(buf, "on-failure") != 0) {
			json_object_put(r);
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid restart policy \"%s\"",
					 name);
		}
	}
	if (strcmp(buf, "no") && strcmp(buf, "always") && strcmp(buf, "on-failure") &&
	    strcmp(buf, "unless-stopped")) {
		json_object_put(r);
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid restart policy \"%s\"", name);
	}
	json_object_object_add(r, "Name", json_object_new_string(buf));
	json_object_object_add(r, "MaximumRetryCount", json_object_new_int64(max));
	json_object_object_add(hc, "RestartPolicy", r);
	return 0;
}

static struct json_object *tmpfs_json(char *const *v)
{
	struct json_object *o = json_object_new_object();
	for (; v && *v; v++) {
		const char *colon = strchr(*v, ':');
		char dst[4096];
		snprintf(dst, sizeof(dst), "%.*s", (int)(colon ? colon - *v : (long)strlen(*v)),
			 *v);
		json_object_object_add(o, dst, json_object_new_string(colon ? colon + 1 : ""));
	}
	return o;
}

static struct json_object *hostconfig_json(const struct isola_ctr_opts *o, struct isola_error *err)
{
	struct json_object *hc = json_object_new_object(), *log = json_object_new_object(),
			   *lc = json_object_new_object();
	json_object_object_add(hc, "Binds", strv_json(o->binds));
	json_object_object_add(hc, "AutoRemove", json_object_new_boolean(o->auto_remove));
	json_object_object_add(hc, "CapAdd", strv_json(o->cap_add));
	json_object_object_add(hc, "CapDrop", strv_json(o->cap_drop));
	json_object_object_add(hc, "Privileged", json_object_new_boolean(o->privileged));
	json_object_object_add(hc, "ReadonlyRootfs", json_object_new_boolean(o->read_only));
	json_object_object_add(hc, "Init", json_object_new_boolean(o->init));
	json_object_object_add(hc, "Tmpfs", tmpfs_json(o->tmpfs));
	json_object_object_add(hc, "Memory", json_object_new_int64(o->memory));
	json_object_object_add(hc, "MemorySwap", json_object_new_int64(o->memory_swap));
	json_object_object_add(hc, "NanoCpus", json_object_new_int64(o->nano_cpus));
	json_object_object_add(hc, "CpuShares", json_object_new_int64(o->cpu_shares));
	json_object_object_add(hc, "CpusetCpus",
			       json_object_new_string(o->cpuset_cpus ? o->cpuset_cpus : ""));
	json_object_object_add(hc, "PidsLimit", json_object_new_int64(o->pids_limit));
	json_object_object_add(hc, "Ulimits", strv_json(o->ulimits));
	json_object_object_add(hc, "Devices", strv_json(o->devices));
	json_object_object_add(hc, "SecurityOpt", strv_json(o->security_opt));
	if (o->console_rows && o->console_cols) {
		struct json_object *size = json_object_new_array();
		json_object_array_add(size, json_object_new_int((int)o->console_rows));
		json_object_array_add(size, json_object_new_int((int)o->console_cols));
		json_object_object_add(hc, "ConsoleSize", size);
	}
	if (o->log_max_size)
		json_object_object_add(lc, "max-size", json_object_new_string(o->log_max_size));
	if (o->log_max_file > 0) {
		char n[16];
		snprintf(n, sizeof(n), "%d", o->log_max_file);
		json_object_object_add(lc, "max-file", json_object_new_string(n));
	}
	json_object_object_add(log, "Type", json_object_new_string("json-file"));
	json_object_object_add(log, "Config", lc);
	json_object_object_add(hc, "LogConfig", log);
	if (restart_json(o->restart, hc, err) < 0) {
		json_object_put(hc);
		return NULL;
	}
	return hc;
}

static struct json_object *state_new(void)
{
	struct json_object *s = json_object_new_object();
	static const char zero[] = "0001-01-01T00:00:00Z";
	json_object_object_add(s, "Status", json_object_new_string("created"));
	json_object_object_add(s, "Running", json_object_new_boolean(0));
	json_object_object_add(s, "Paused", json_object_new_boolean(0));
	json_object_object_add(s, "Restarting", json_object_new_boolean(0));
	json_object_object_add(s, "OOMKilled", json_object_new_boolean(0));
	json_object_object_add(s, "Dead", json_object_new_boolean(0));
	json_object_object_add(s, "Pid", json_object_new_int(0));
	json_object_object_add(s, "ExitCode", json_object_new_int(0));
	json_object_object_add(s, "Error", json_object_new_string(""));
	json_object_object_add(s, "StartedAt", json_object_new_string(zero));
	json_object_object_add(s, "FinishedAt", json_object_new_string(zero));
	return s;
}

struct json_object *mgr_record_new(struct isola_mgr *m, const char *id, const char *name,
				   const struct isola_ctr_opts *o, struct json_object *img,
				   const char *image_id, struct isola_error *err)
{
	struct json_object *hc = hostconfig_json(o, err);
	if (!hc)
		return NULL;
	if (mgr_userns_record(m, o, hc, err) < 0) {
		json_object_put(hc);
		return NULL;
	}
	struct json_object *rec = json_object_new_object();
	char now[64], slashed[256], logpath[4096];
	mgr_now(now, sizeof(now));
	snprintf(slashed, sizeof(slashed), "/%s", name);
	mgr_path(m, id, "container.log", logpath, sizeof(logpath));
	json_object_object_add(rec, "Id", json_object_new_string(id));
	json_object_object_add(rec, "Created", json_object_new_string(now));
	json_object_object_add(rec, "State", state_new());
	json_object_object_add(rec, "Image", json_object_new_string(image_id));
	json_object_object_add(rec, "Name", json_object_new_string(slashed));
	json_object_object_add(rec, "RestartCount", json_object_new_int(0));
	json_object_object_add(rec, "LogPath", json_object_new_string(logpath));
	json_object_object_add(rec, "Config", config_json(id, o, img));
	json_object_object_add(rec, "HostConfig", hc);
	return rec;
}

/* The image's runtime config ("config" of the config blob), or an empty object. */
static struct json_object *image_config(struct isola_mgr *m, const char *ref, char image_id[72],
					struct isola_error *err)
{
	struct isola_image_index idx;
	if (isola_index_load(m->store, &idx, err) < 0)
		return NULL;
	ssize_t i = isola_index_find(&idx, ref, err);
	if (i < 0) {
		isola_index_release(&idx);
		return NULL;
	}
	snprintf(image_id, 72, "%s", idx.v[i].id);
	isola_index_release(&idx);
	size_t len;
	cleanup_free char *blob = isola_blob_get(m->store, image_id, 4 << 20, &len, err);
	struct json_object *o = blob ? json_tokener_parse(blob) : NULL, *c = NULL;
	if (!blob)
		return NULL;
	if (o && json_object_object_get_ex(o, "config", &c) &&
	    json_object_is_type(c, json_type_object))
		json_object_get(c);
	else
		c = json_object_new_object();
	json_object_put(o);
	return c;
}

static void random_id(char id[65])
{
	unsigned char r[32];
	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)rand();
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
}

static int take_some_name(struct isola_mgr *m, const struct isola_ctr_opts *o, const char *id,
			  char *name, size_t size, struct isola_error *err)
{
	if (o->name) {
		if (isola_ctr_name_check(o->name, err) < 0)
			return -1;
		snprintf(name, size, "%s", o->name);
		return mgr_name_take(m, name, id, err);
	}
	for (int tries = 0; tries < 32; tries++) {
		isola_ctr_random_name(name, size);
		if (tries > 8)
			snprintf(name + strlen(name), size - strlen(name), "%d", tries);
		if (mgr_name_take(m, name, id, err) == 0)
			return 0;
	}
	return -1;
}

/* --userns=auto picks ids no other record holds: from the pick to the save, under the lock
 * (not before: making volumes takes it too). */
static int save_new(struct isola_mgr *m, const char *id, const struct isola_ctr_opts *o,
		    struct json_object *rec, bool durable, struct isola_error *err)
{
	bool pick = o->userns && !strncmp(o->userns, "auto", 4);
	cleanup_close int lock = pick ? isola_mgr_lock(m, err) : -2;
	if (lock == -1 ||
	    (pick && mgr_userns_pick(m, o->userns, mgr_obj(rec, "HostConfig"), err) < 0))
		return -1;
	return mgr_save(m, id, rec, durable, err);
}

int isola_ctr_create(struct isola_mgr *m, const struct isola_ctr_opts *o, char id_out[65],
		     struct isola_error *err)
{
	char image_id[72], name[256], id[65];
	struct json_object *img = image_config(m, o->image, image_id, err), *rec = NULL;
	if (!img)
		return -1;
	random_id(id);
	if (isola_mkdirs_at(m->store->rootfd, "names", 0700, err) < 0 ||
	    take_some_name(m, o, id, name, sizeof(name), err) < 0) {
		json_object_put(img);
		return -1;
	}
	rec = mgr_record_new(m, id, name, o, img, image_id, err);
	if (rec && mgr_net_plan(m, id, o, rec, err) < 0) {
		mgr_net_release(m, id);
		json_object_put(rec);
		rec = NULL;
	}
	struct json_object *mounts =
	    rec ? mgr_mounts_new(m, o->binds, mgr_obj(img, "Volumes"), err) : NULL;
	json_object_put(img);
	if (!mounts) {
		json_object_put(rec);
		rec = NULL;
	} else {
		json_object_object_add(rec, "Mounts", mounts);
	}
	/* --rm: the container cannot outlive the host, so its records need no fsync */
	bool durable = !o->auto_remove;
	int r =
	    rec ? isola_rootfs_create(m->store, image_id, id, m->storage_driver, durable, err) : -1;
	if (r == 0) {
		char dir[128];
		snprintf(dir, sizeof(dir), "containers/%s/bundle/rootfs", id);
		if (isola_mkdirs_at(m->store->rootfd, dir, 0700, err) < 0 ||
		    save_new(m, id, o, rec, durable, err) < 0) {
			isola_rootfs_remove(m->store, id, NULL);
			r = -1;
		}
	}
	if (r < 0 && rec)
		mgr_volumes_drop_anonymous(m, mgr_obj(rec, "Mounts"));
	if (r < 0)
		mgr_net_release(m, id);
	if (r == 0)
		mgr_event(m, id, rec, "create");
	json_object_put(rec);
	if (r < 0) {
		mgr_name_drop(m, name, id);
		return -1;
	}
	snprintf(id_out, 65, "%s", id);
	return 0;
}
