/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CGROUP_H
#define ISOLA_CGROUP_H

/*
 * One cgroup manager interface; backends per layout (v1, v2, hybrid, systemd)
 * are tables of function pointers chosen in one place (cgroup.c).
 * The runtime only ever talks to this header.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "isola/error.h"

#include "spec/resources.h"

struct isola_cgroup; /* one container's cgroup(s) */
/*
 * The device policy create applies: the config's linux.resources.devices
 * (deny all when absent, allocating *r if needed) followed by the runtime's
 * default allow rules (devices-default.c). Rootless without a device section:
 * left alone.
 */
int isola_resources_device_policy(struct isola_resources **r, bool rootless,
				  struct isola_error *err);

/*
 * Fields the host can't honour but that are only advisory (kernel memory
 * limits, swappiness on v2...) are reported here instead of failing; limits
 * that can't be applied are errors.
 */
typedef void (*isola_cgroup_warn_fn)(void *data, const char *msg);

struct isola_cgroup_opts {
	const char *id;		  /* container id */
	const char *cgroups_path; /* linux.cgroupsPath, or NULL for the default */
	bool systemd;		  /* --systemd-cgroup: "slice:prefix:name" form */
	bool rootless;		  /* failures to create are not fatal when rootless */
	const struct isola_resources *resources; /* may be NULL */
	isola_cgroup_warn_fn warn;		 /* may be NULL: warnings are dropped */
	void *warn_data;
};

/*
 * cgroupsPath: absolute = relative to each hierarchy's root; relative = below
 * the caller's own cgroup (/proc/self/cgroup); absent = "<caller's cgroup>/<id>"
 * (runc's choice). The cgroup root is /sys/fs/cgroup unless the front end
 * set another (isola_cgroup_set_root, tests). destroy removes the leaf (it is the container's, even
 * if it existed before) and only the parents that create made.
 */
/* Create the container's cgroup(s) and apply resources, before any process joins. */
int isola_cgroup_create(const struct isola_cgroup_opts *opts, struct isola_cgroup **out,
			struct isola_error *err);
/* An O_PATH|O_DIRECTORY fd of the v2 leaf for clone3(CLONE_INTO_CGROUP), or -1. */
int isola_cgroup_v2_fd(const struct isola_cgroup *cg);
/* Move pid into the container's cgroup(s). */
int isola_cgroup_enter(const struct isola_cgroup *cg, pid_t pid, struct isola_error *err);
/*
 * The fast way in, for the container init: clone3(CLONE_INTO_CGROUP) with
 * isola_cgroup_clone_fd() (any layout with a v2 hierarchy, hybrid included),
 * then the child calls isola_cgroup_enter_self(cg, true) while it is still
 * single-threaded. Why: a parent writing another pid into cgroup.procs takes
 * the global threadgroup rwsem and waits an RCU grace period (5-20 ms here,
 * docs/performance.md); a task writing "0" into a v1 tasks file moves only
 * itself and skips it (0.03 ms), and CLONE_INTO_CGROUP needs only the read side.
 * in_v2 says the v2 part is already done by clone3; otherwise "0" goes to
 * v2's cgroup.procs (correct, but the slow path). Needs the host's cgroup
 * paths reachable (before pivot_root).
 */
int isola_cgroup_clone_fd(const struct isola_cgroup *cg);
int isola_cgroup_enter_self(const struct isola_cgroup *cg, bool in_v2, struct isola_error *err);
/*
 * exec --cgroup: point cg at an existing sub-cgroup of the container's, for
 * every hierarchy ("PATH") or those holding one of the controllers
 * ("CTRL[,CTRL...]:PATH"). PATH is relative, without "." or ".." parts, or "/"
 * for the container's own cgroup (the controllers are still checked). Only
 * for joining: never destroy a narrowed cg.
 */
int isola_cgroup_narrow(struct isola_cgroup *cg, const char *spec, struct isola_error *err);
/* Apply (changed) resources to a live cgroup: `update`. */
int isola_cgroup_update(const struct isola_cgroup *cg, const struct isola_resources *r,
			struct isola_error *err);
/* freeze=true: pause (freezer v1, cgroup.freeze v2), wait until frozen. */
int isola_cgroup_freeze(const struct isola_cgroup *cg, bool freeze, struct isola_error *err);
/* 1 when frozen, 0 when not, -1 on error. */
int isola_cgroup_is_frozen(const struct isola_cgroup *cg, struct isola_error *err);
/* Pids in the cgroup (recursively); *pids malloc'd. */
int isola_cgroup_pids(const struct isola_cgroup *cg, pid_t **pids, size_t *n,
		      struct isola_error *err);
/* Signal every process in the cgroup (cgroup.kill on v2 for SIGKILL). */
int isola_cgroup_kill(const struct isola_cgroup *cg, int sig, struct isola_error *err);
/* Kill what is left, wait (bounded), rmdir all created directories. */
int isola_cgroup_destroy(struct isola_cgroup *cg, struct isola_error *err);
/* runc's `events --stats` "data" object (cpu, memory, pids, blkio, hugetlb). */
int isola_cgroup_stats(const struct isola_cgroup *cg, struct json_object **out,
		       struct isola_error *err);
/*
 * A new fd to poll for OOM events, owned by the caller. v1: an eventfd
 * (POLLIN; read 8 bytes to reset). v2: memory.events (POLLPRI; read it from
 * offset 0 again after each event). Then isola_cgroup_oom_count() says how many.
 */
int isola_cgroup_oom_fd(const struct isola_cgroup *cg, struct isola_error *err);
/* Count of OOM kills so far (for events). */
int isola_cgroup_oom_count(const struct isola_cgroup *cg, unsigned long *count,
			   struct isola_error *err);

/*
 * Mount the container's view of /sys/fs/cgroup at the directory dirfd (already
 * resolved safely inside the rootfs), from inside the container's mount
 * namespace. flags are the mount's MS_* flags (MS_RDONLY...). With a cgroup
 * namespace the container sees its own cgroup as the root.
 */
int isola_cgroup_mount(const struct isola_cgroup *cg, int dirfd, unsigned long flags,
		       struct isola_error *err);
/*
 * The same, given also how to resolve dirfd again (path inside rootfd): the
 * mount(2) fallback for kernels without the new mount API needs it.
 */
int isola_cgroup_mount_at(const struct isola_cgroup *cg, int dirfd, int rootfd, const char *path,
			  unsigned long flags, struct isola_error *err);

/* Warnings callback for cgroups loaded from state (update). */
void isola_cgroup_set_warn(struct isola_cgroup *cg, isola_cgroup_warn_fn fn, void *data);
/* "v1", "v2", "hybrid" or "none" (rootless without cgroups). */
const char *isola_cgroup_layout(const struct isola_cgroup *cg);
/* The container's directory in the hierarchy holding controller ("memory", "" = v2). */
const char *isola_cgroup_dir(const struct isola_cgroup *cg, const char *controller);

/* Persist into the state file and back (a JSON string). */
char *isola_cgroup_save(const struct isola_cgroup *cg);
struct isola_cgroup *isola_cgroup_load(const char *saved, struct isola_error *err);
void isola_cgroup_free(struct isola_cgroup *cg);

#endif
