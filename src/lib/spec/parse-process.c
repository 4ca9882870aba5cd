/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <string.h>

#include "core/cleanup.h"
#include "spec/parse.h"

#ifndef SCHED_ISO
#define SCHED_ISO 4
#endif
#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

struct name_val {
	const char *name;
	int val;
};

static int lookup(const struct name_val *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, t[i].name) == 0)
			return t[i].val;
	return -1;
}

#define LOOKUP(table, name) lookup(table, sizeof(table) / sizeof(table[0]), name)

static int parse_console_size(struct json_object *o, const char *path, struct isola_process *p,
			      struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *cs;
	uint32_t h = 0, w = 0;
	int r = ju_object(o, path, "consoleSize", &cs, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "consoleSize");
	if (ju_required(ju_uint32(cs, sub, "height", &h, err), sub, "height", err) < 0 ||
	    ju_required(ju_uint32(cs, sub, "width", &w, err), sub, "width", err) < 0)
		return -1;
	p->has_console_size = true;
	p->console_height = h;
	p->console_width = w;
	return 0;
}

static int parse_additional_gids(struct json_object *u, const char *path, struct isola_user *user,
				 struct isola_error *err)
{
	char ipath[JU_PATH_MAX], apath[JU_PATH_MAX];
	struct json_object *arr;
	size_t n;
	int r = ju_array(u, path, "additionalGids", &arr, &n, err);

	if (r <= 0)
		return r;
	user->additional_gids = calloc(n ? n : 1, sizeof(gid_t));
	if (!user->additional_gids)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.additionalGids", path);
	user->n_additional_gids = n;
	ju_join(apath, sizeof(apath), path, "additionalGids");
	for (size_t i = 0; i < n; i++) {
		uint32_t g;
		struct json_object *v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_int))
			return ju_err(err, apath, NULL, "expected an array of integers");
		if (ju_val_uint32(v, ju_index(ipath, sizeof(ipath), apath, i), &g, err) < 0)
			return -1;
		user->additional_gids[i] = g;
	}
	return 0;
}

static int parse_user(struct json_object *o, const char *path, struct isola_user *user,
		      struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *u;
	uint32_t v;
	int r = ju_object(o, path, "user", &u, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "user");
	if ((r = ju_uint32(u, sub, "uid", &v, err)) < 0)
		return -1;
	if (r)
		user->uid = v;
	if ((r = ju_uint32(u, sub, "gid", &v, err)) < 0)
		return -1;
	if (r)
		user->gid = v;
	if ((r = ju_uint32(u, sub, "umask", &v, err)) < 0)
		return -1;
	if (r && v > 0777)
		return ju_err(err, sub, "umask", "%#o is not a file mode mask", v);
	if (r) {
		user->has_umask = true;
		user->umask = v;
	}
	if (parse_additional_gids(u, sub, user, err) < 0)
		return -1;
	return ju_strdup(u, sub, "username", &user->username, err) < 0 ? -1 : 0;
}

static int parse_args_env_cwd(struct json_object *o, const char *path, struct isola_process *p,
			      struct isola_error *err)
{
	if (ju_required(ju_strv(o, path, "args", &p->args, err), path, "args", err) < 0)
		return -1;
	if (!p->args[0])
		return ju_err(err, path, "args", "must not be empty");
	if (ju_strv(o, path, "env", &p->env, err) < 0)
		return -1;
	for (size_t i = 0; p->env && p->env[i]; i++) {
		if (!strchr(p->env[i], '=')) {
			char epath[JU_PATH_MAX], ipath[JU_PATH_MAX];
			ju_join(epath, sizeof(epath), path, "env");
			return ju_err(err, ju_index(ipath, sizeof(ipath), epath, i), NULL,
				      "\"%s\" is not of the form KEY=value", p->env[i]);
		}
	}
	if (!p->env) {
		p->env = calloc(1, sizeof(char *));
		if (!p->env)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.env", path);
	}
	if (ju_required(ju_strdup(o, path, "cwd", &p->cwd, err), path, "cwd", err) < 0)
		return -1;
	if (!spec_is_abs(p->cwd))
		return ju_err(err, path, "cwd", "must be an absolute path");
	return 0;
}

static int parse_cap_set(struct json_object *caps, const char *path, const char *key, uint64_t *set,
			 struct isola_error *err)
{
	char spath[JU_PATH_MAX], ipath[JU_PATH_MAX];
	struct json_object *arr;
	size_t n;
	int r = ju_array(caps, path, key, &arr, &n, err);

	if (r <= 0)
		return r;
	ju_join(spath, sizeof(spath), path, key);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		int cap;
		if (!json_object_is_type(v, json_type_string))
			return ju_err(err, spath, NULL, "expected an array of strings");
		/* runc accepts unknown names (with a warning); a typo here silently drops a cap. */
		cap = isola_cap_from_name(json_object_get_string(v));
		if (cap < 0)
			return ju_err(err, ju_index(ipath, sizeof(ipath), spath, i), NULL,
				      "unknown capability \"%s\"", json_object_get_string(v));
		*set |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_caps(struct json_object *o, const char *path, struct isola_process *p,
		      struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *caps;
	struct isola_caps *c = &p->caps;
	int r = ju_object(o, path, "capabilities", &caps, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "capabilities");
	p->has_caps = true;
	if (parse_cap_set(caps, sub, "bounding", &c->bounding, err) < 0 ||
	    parse_cap_set(caps, sub, "effective", &c->effective, err) < 0 ||
	    parse_cap_set(caps, sub, "inheritable", &c->inheritable, err) < 0 ||
	    parse_cap_set(caps, sub, "permitted", &c->permitted, err) < 0 ||
	    parse_cap_set(caps, sub, "ambient", &c->ambient, err) < 0)
		return -1;
	return 0;
}

static int parse_rlimit(struct json_object *e, const char *ipath, struct isola_process *p, size_t i,
			struct isola_error *err)
{
	struct isola_rlimit *rl = &p->rlimits[i];
	const char *type = NULL;

	if (!json_object_is_type(e, json_type_object))
		return ju_err(err, ipath, NULL, "expected an object");
	if (ju_required(ju_string(e, ipath, "type", &type, err), ipath, "type", err) < 0)
		return -1;
	rl->resource = isola_rlimit_from_name(type);
	if (rl->resource < 0)
		return ju_err(err, ipath, "type", "unknown rlimit \"%s\"", type);
	for (size_t j = 0; j < i; j++)
		if (p->rlimits[j].resource == rl->resource)
			return ju_err(err, ipath, "type", "duplicate rlimit \"%s\"", type);
	if (ju_required(ju_uint64(e, ipath, "soft", &rl->soft, err), ipath, "soft", err) < 0 ||
	    ju_required(ju_uint64(e, ipath, "hard", &rl->hard, err), ipath, "hard", err) < 0)
		return -1;
	if (rl->soft > rl->hard)
		return ju_err(err, ipath, "soft", "%" PRIu64 " is above the hard limit %" PRIu64,
			      rl->soft, rl->hard);
	return 0;
}

static int parse_rlimits(struct json_object *o, const char *path, struct isola_process *p,
			 struct isola_error *err)
{
	char apath[JU_PATH_MAX], ipath[JU_PATH_MAX];
	struct json_object *arr;
	size_t n;
	int r = ju_array(o, path, "rlimits", &arr, &n, err);

	if (r <= 0)
		return r;
	p->rlimits = calloc(n ? n : 1, sizeof(*p->rlimits));
	if (!p->rlimits)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.rlimits", path);
	ju_join(apath, sizeof(apath), path, "rlimits");
	for (size_t i = 0; i < n; i++) {
		ju_index(ipath, sizeof(ipath), apath, i);
		if (parse_rlimit(json_object_array_get_idx(arr, i), ipath, p, i, err) < 0)
			return -1;
		p->n_rlimits = i + 1;
	}
	return 0;
}

static const struct name_val ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static int parse_io_priority(struct json_object *o, const char *path, struct isola_process *p,
			     struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *io;
	const char *cls = NULL;
	int64_t prio = 0;
	int r = ju_object(o, path, "ioPriority", &io, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "ioPriority");
	if (ju_required(ju_string(io, sub, "class", &cls, err), sub, "class", err) < 0 ||
	    ju_int64(io, sub, "priority", 0, 7, &prio, err) < 0)
		return -1;
	p->io_priority_class = LOOKUP(ioprio_classes, cls);
	if (p->io_priority_class < 0)
		return ju_err(err, sub, "class", "unknown class \"%s\"", cls);
	p->has_io_priority = true;
	p->io_priority = (int)prio;
	return 0;
}

static const struct name_val sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},	{"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},	{"SCHED_ISO", SCHED_ISO},   {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", SCHED_DEADLINE},
};

/* include/uapi/linux/sched.h */
static const struct name_val sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int parse_sched_flags(struct json_object *s, const char *path, uint64_t *flags,
			     struct isola_error *err)
{
	char fpath[JU_PATH_MAX], ipath[JU_PATH_MAX];
	struct json_object *arr;
	size_t n;
	int r = ju_array(s, path, "flags", &arr, &n, err);

	if (r <= 0)
		return r;
	ju_join(fpath, sizeof(fpath), path, "flags");
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		int f;
		if (!json_object_is_type(v, json_type_string))
			return ju_err(err, fpath, NULL, "expected an array of strings");
		f = LOOKUP(sched_flags, json_object_get_string(v));
		if (f < 0)
			return ju_err(err, ju_index(ipath, sizeof(ipath), fpath, i), NULL,
				      "unknown scheduler flag \"%s\"", json_object_get_string(v));
		*flags |= (uint64_t)f;
	}
	return 0;
}

static int check_scheduler(const struct isola_scheduler *s, const char *sub,
			   struct isola_error *err)
{
	bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;

	if (s->priority != 0 && !rt)
		return ju_err(err, sub, "priority", "only allowed with SCHED_FIFO or SCHED_RR");
	if (s->policy != SCHED_DEADLINE && (s->runtime || s->deadline || s->period))
		return ju_err(err, sub, NULL,
			      "runtime, deadline and period are only allowed with SCHED_DEADLINE");
	return 0;
}

static int parse_scheduler(struct json_object *o, const char *path, struct isola_process *p,
			   struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *so;
	struct isola_scheduler *s = &p->scheduler;
	const char *policy = NULL;
	int64_t nice = 0, prio = 0;
	int r = ju_object(o, path, "scheduler", &so, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "scheduler");
	if (ju_required(ju_string(so, sub, "policy", &policy, err), sub, "policy", err) < 0)
		return -1;
	s->policy = LOOKUP(sched_policies, policy);
	if (s->policy < 0)
		return ju_err(err, sub, "policy", "unknown policy \"%s\"", policy);
	if (ju_int64(so, sub, "nice", -20, 19, &nice, err) < 0 ||
	    ju_int64(so, sub, "priority", 0, 99, &prio, err) < 0 ||
	    parse_sched_flags(so, sub, &s->flags, err) < 0 ||
	    ju_uint64(so, sub, "runtime", &s->runtime, err) < 0 ||
	    ju_uint64(so, sub, "deadline", &s->deadline, err) < 0 ||
	    ju_uint64(so, sub, "period", &s->period, err) < 0)
		return -1;
	s->nice = (int)nice;
	s->priority = (int)prio;
	p->has_scheduler = true;
	return check_scheduler(s, sub, err);
}

/* A cpu list as in cpuset.cpus: "0-3,7". */
static bool valid_cpu_list(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == ',' || *s == '-'))
			return false;
	return true;
}

static int parse_cpu_affinity(struct json_object *o, const char *path, struct isola_process *p,
			      struct isola_error *err)
{
	char sub[JU_PATH_MAX];
	struct json_object *a;
	int r = ju_object(o, path, "execCPUAffinity", &a, err);

	if (r <= 0)
		return r;
	ju_join(sub, sizeof(sub), path, "execCPUAffinity");
	if (ju_strdup(a, sub, "initial", &p->exec_cpu_affinity_initial, err) < 0 ||
	    ju_strdup(a, sub, "final", &p->exec_cpu_affinity_final, err) < 0)
		return -1;
	if (p->exec_cpu_affinity_initial && !valid_cpu_list(p->exec_cpu_affinity_initial))
		return ju_err(err, sub, "initial", "invalid cpu list \"%s\"",
			      p->exec_cpu_affinity_initial);
	if (p->exec_cpu_affinity_final && !valid_cpu_list(p->exec_cpu_affinity_final))
		return ju_err(err, sub, "final", "invalid cpu list \"%s\"",
			      p->exec_cpu_affinity_final);
	return 0;
}

static int parse_security(struct json_object *o, const char *path, struct isola_process *p,
			  struct isola_error *err)
{
	int64_t adj;
	int r;

	if (ju_bool(o, path, "noNewPrivileges", &p->no_new_privileges, err) < 0 ||
	    ju_strdup(o, path, "apparmorProfile", &p->apparmor_profile, err) < 0 ||
	    ju_strdup(o, path, "selinuxLabel", &p->selinux_label, err) < 0)
		return -1;
	r = ju_int64(o, path, "oomScoreAdj", -1000, 1000, &adj, err);
	if (r < 0)
		return -1;
	if (r) {
		p->has_oom_score_adj = true;
		p->oom_score_adj = (int)adj;
	}
	return 0;
}

int isola_process_parse(struct json_object *obj, const char *path, struct isola_process *out,
			struct isola_error *err)
{
	if (!path)
		path = "";
	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(obj, json_type_object)) {
		ju_err(err, path, NULL, "expected an object");
		return -1;
	}
	if (ju_bool(obj, path, "terminal", &out->terminal, err) < 0 ||
	    parse_console_size(obj, path, out, err) < 0 ||
	    parse_user(obj, path, &out->user, err) < 0 ||
	    parse_args_env_cwd(obj, path, out, err) < 0 || parse_caps(obj, path, out, err) < 0 ||
	    parse_rlimits(obj, path, out, err) < 0 || parse_security(obj, path, out, err) < 0 ||
	    parse_io_priority(obj, path, out, err) < 0 ||
	    parse_scheduler(obj, path, out, err) < 0 ||
	    parse_cpu_affinity(obj, path, out, err) < 0) {
		isola_process_release(out);
		return -1;
	}
	return 0;
}

int isola_process_load(const char *file, struct isola_process *out, struct isola_error *err)
{
	struct json_object *obj = ju_parse_file(file, err);
	int r;

	if (!obj) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	r = isola_process_parse(obj, "", out, err);
	json_object_put(obj);
	if (r < 0)
		return isola_err_prefix(err, "\"%s\"", file);
	return 0;
}

void isola_process_release(struct isola_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	isola_strv_free(p->args);
	isola_strv_free(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}
