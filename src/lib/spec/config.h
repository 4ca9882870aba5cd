/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPEC_CONFIG_H
#define ISOLA_SPEC_CONFIG_H

/*
 * The internal container config. config.json is parsed and validated into
 * this (spec/parse*.c); only this reaches linux/, cgroup/ and runtime/.
 * Every string is owned (malloc'd); isola_config_free() releases all of it.
 * Flags named has_* mark optional fields that were present in the JSON.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "isola/error.h"

struct json_object;
struct isola_seccomp;	/* linux/seccomp.h */
struct isola_resources; /* spec/resources.h */

struct isola_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

/* One entry of linux.namespaces. */
struct isola_namespace {
	int type;   /* CLONE_NEWPID, CLONE_NEWNET, ... CLONE_NEWTIME */
	char *path; /* join this namespace (setns) when set, else create */
};

struct isola_mount {
	char *destination; /* absolute, inside the container */
	char *type;	   /* "bind", "proc", "tmpfs", ... or NULL */
	char *source;
	unsigned long flags;	   /* MS_* to set (MS_RDONLY, MS_NOSUID, ...) */
	unsigned long clear_flags; /* MS_* explicitly cleared ("rw", "suid", "dev", ...) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (+MS_REC) or 0 */
	bool bind;		   /* "bind" or "rbind" option, or type "bind" */
	bool recursive;		   /* "rbind" */
	uint64_t attr_set;	   /* MOUNT_ATTR_* from "rro", "rnosuid", ... (recursive) */
	uint64_t attr_clr;	   /* MOUNT_ATTR_* from "rrw", "rsuid", ... */
	char *data;		   /* filesystem options joined with ',' ("mode=755,size=65536k") */
	bool tmpcopyup;		   /* "tmpcopyup" */
	bool idmap;		   /* "idmap"/"ridmap", or uid/gid mappings given */
	bool idmap_recursive;	   /* "ridmap" */
	struct isola_idmap *uid_mappings; /* idmapped bind mount when n_uid_mappings > 0 */
	size_t n_uid_mappings;
	struct isola_idmap *gid_mappings;
	size_t n_gid_mappings;
};

struct isola_device {
	char *path; /* absolute */
	char type;  /* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	bool has_mode;
	mode_t mode;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

struct isola_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* Capability sets as bitmasks indexed by capability number (<= 63). */
struct isola_caps {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct isola_user {
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows-only in the spec; kept for completeness */
};

struct isola_scheduler {
	int policy; /* SCHED_* */
	int nice;
	int priority;
	uint64_t flags; /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period;
};

struct isola_process {
	bool terminal;
	bool has_console_size;
	unsigned int console_height, console_width;
	struct isola_user user;
	char **args; /* NULL-terminated, at least one element */
	char **env;  /* NULL-terminated, may be empty */
	char *cwd;   /* absolute */
	bool has_caps;
	struct isola_caps caps;
	struct isola_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	char *selinux_label;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_io_priority;
	int io_priority_class; /* IOPRIO_CLASS_RT/BE/IDLE */
	int io_priority;
	bool has_scheduler;
	struct isola_scheduler scheduler;
	char *exec_cpu_affinity_initial; /* process.execCPUAffinity.initial */
	char *exec_cpu_affinity_final;
};

struct isola_hook {
	char *path;
	char **args; /* NULL-terminated or NULL */
	char **env;  /* NULL-terminated or NULL */
	int timeout; /* seconds, 0 = none */
};

enum isola_hook_kind {
	ISOLA_HOOK_PRESTART = 0,
	ISOLA_HOOK_CREATE_RUNTIME,
	ISOLA_HOOK_CREATE_CONTAINER,
	ISOLA_HOOK_START_CONTAINER,
	ISOLA_HOOK_POSTSTART,
	ISOLA_HOOK_POSTSTOP,
	ISOLA_HOOK_KIND_COUNT,
};

struct isola_hook_list {
	struct isola_hook *hooks;
	size_t n;
};

struct isola_kv {
	char *key;
	char *value;
};

struct isola_config {
	char *oci_version;
	unsigned int oci_minor; /* 1.N.x: N */
	char *bundle;		/* absolute bundle directory (set by the caller, not the JSON) */

	char *root_path; /* absolute (made absolute against the bundle) */
	bool root_readonly;

	char *hostname; /* NULL when absent */
	char *domainname;

	bool has_process;
	struct isola_process process;

	struct isola_mount *mounts;
	size_t n_mounts;

	struct isola_hook_list hooks[ISOLA_HOOK_KIND_COUNT];

	struct isola_kv *annotations;
	size_t n_annotations;

	/* linux */
	struct isola_namespace *namespaces;
	size_t n_namespaces;
	struct isola_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct isola_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct isola_device *devices;
	size_t n_devices;
	char *cgroups_path;		    /* NULL when absent */
	struct isola_resources *resources;  /* NULL when absent; cgroup/ applies it */
	struct json_object *resources_json; /* linux.resources as given (for update/debug) */
	struct isola_kv *sysctl;
	size_t n_sysctl;
	struct isola_seccomp *seccomp;	  /* NULL when absent; linux/seccomp.h owns the type */
	unsigned long rootfs_propagation; /* MS_* or 0 when absent */
	char **masked_paths;		  /* NULL-terminated */
	char **readonly_paths;		  /* NULL-terminated */
	char *mount_label;
	bool has_personality;
	unsigned long personality; /* PER_LINUX or PER_LINUX32 */
	bool has_time_offsets;
	int64_t time_offset_boottime_secs, time_offset_monotonic_secs;
	uint32_t time_offset_boottime_nsecs, time_offset_monotonic_nsecs;
	struct isola_kv *net_devices; /* linux.netDevices: host name -> container name */
	size_t n_net_devices;
};

/* Helpers for namespaces: NULL when the config has no entry of that type. */
const struct isola_namespace *isola_config_namespace(const struct isola_config *c, int type);

/*
 * Parse and validate config.json text. bundle is the absolute bundle dir;
 * relative root.path is resolved against it. Every error names its JSON path,
 * e.g. "process.capabilities.bounding[3]: unknown capability CAP_TEST".
 */
struct isola_config *isola_config_parse(const char *json_text, const char *bundle,
					struct isola_error *err);
/* Read <bundle>/config.json and parse it. */
struct isola_config *isola_config_load(const char *bundle, struct isola_error *err);
void isola_config_free(struct isola_config *c);

/*
 * Parse a "process" object (config.json's process, or exec --process FILE).
 * path is the JSON path prefix for messages ("process").
 */
int isola_process_parse(struct json_object *obj, const char *path, struct isola_process *out,
			struct isola_error *err);
void isola_process_release(struct isola_process *p);
/* Read a process.json file (exec --process) and parse it as isola_process_parse does. */
int isola_process_load(const char *file, struct isola_process *out, struct isola_error *err);

/* Name tables shared by the parser and the CLIs. Return -1 when unknown. */
int isola_cap_from_name(const char *name);	 /* "CAP_SYS_ADMIN" -> 21 */
const char *isola_cap_name(int cap);		 /* 21 -> "CAP_SYS_ADMIN" */
int isola_cap_last(void);			 /* highest known capability */
int isola_signal_from_name(const char *name);	 /* "KILL", "SIGKILL", "9" -> 9 */
int isola_rlimit_from_name(const char *name);	 /* "RLIMIT_NOFILE" -> RLIMIT_NOFILE */
int isola_namespace_from_name(const char *name); /* "pid" -> CLONE_NEWPID */
const char *isola_namespace_name(int type);	 /* CLONE_NEWPID -> "pid" */
const char *isola_namespace_proc_name(int type); /* CLONE_NEWPID -> "pid", NEWNS -> "mnt" */

/* Every mount option the parser understands (for `features`), NULL-terminated. */
const char *const *isola_mount_option_names(void);

/* The default config.json that `spec` prints (runc's shape); rootless variant. */
char *isola_config_default_json(bool rootless);

#endif
