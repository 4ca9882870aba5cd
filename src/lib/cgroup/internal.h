/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CGROUP_INTERNAL_H
#define ISOLA_CGROUP_INTERNAL_H

/*
 * Inside the cgroup manager. A container's cgroup is a list of hierarchies:
 * one per v1 controller mount, or the single v2 one, or both (hybrid). Each
 * hierarchy kind has a backend table; the layout decides which hierarchies
 * exist. Only the files of cgroup/ include this.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"
#include "cgroup/resources.h"

enum cg_layout { CG_LAYOUT_V1 = 1, CG_LAYOUT_V2, CG_LAYOUT_HYBRID };
enum cg_kind { CG_V1 = 1, CG_V2 };

struct cg_hier {
	int kind;
	char *mount;	   /* where the hierarchy is mounted on the host */
	char *controllers; /* v1: "cpu,cpuacct" (the mount's); v2: "" */
	char *mnt_root;	   /* the mount's root inside the hierarchy (mountinfo field 4) */
	char *path;	   /* the container's cgroup, relative to the mount, "/a/b" */
	char *dir;	   /* mount + path */
	int created;	   /* trailing components of path that we mkdir'ed */
	bool reused;	   /* create found the leaf there already (not saved) */
};

struct isola_cgroup {
	int layout;
	bool disabled; /* rootless and no permission: no cgroups at all */
	struct cg_hier *h;
	size_t nh;
	int v2fd;     /* == clone_fd on pure v2, else -1 */
	int clone_fd; /* O_PATH fd of the v2 leaf, whenever there is a v2 hierarchy */
	isola_cgroup_warn_fn warn;
	void *warn_data;
};

struct cg_backend {
	const char *name;
	/* Called on every created level, top-down (cpuset copy / subtree_control). */
	int (*prepare_level)(const struct cg_hier *h, const char *dir, struct isola_error *err);
	int (*freeze)(const struct cg_hier *h, bool freeze, struct isola_error *err);
	int (*is_frozen)(const struct cg_hier *h, struct isola_error *err);
	int (*oom_fd)(const struct cg_hier *h, struct isola_error *err);
	int (*oom_count)(const struct cg_hier *h, unsigned long *count, struct isola_error *err);
};

extern const struct cg_backend cg_backend_v1, cg_backend_v2;
const struct cg_backend *cg_backend(const struct cg_hier *h);

/* layout.c: find the hierarchies under the cgroup root (isola_cgroup_set_root). */
int cg_detect(int *layout, struct cg_hier **hs, size_t *n, struct isola_error *err);
/* The caller's own cgroup in h (from /proc/self/cgroup), malloc'd. */
char *cg_own_path(const struct cg_hier *h, struct isola_error *err);
/* Same, from /proc/self/cgroup's text read once for all hierarchies. */
char *cg_own_path_in(const char *proc_cgroup, const struct cg_hier *h, struct isola_error *err);
void cg_hier_release(struct cg_hier *h);
/* The root field of mount's mountinfo line as this process sees it, malloc'd. */
char *cg_mount_root(const char *mount);
bool cg_has_controller(const struct cg_hier *h, const char *ctrl);
/* The hierarchy that holds controller ctrl (v1 first, then v2's cgroup.controllers). */
const struct cg_hier *cg_find(const struct isola_cgroup *cg, const char *ctrl);
const struct cg_hier *cg_find_kind(const struct isola_cgroup *cg, int kind);

/* fs.c: small cgroupfs file helpers; errors name the full path. */
int cg_write(const char *dir, const char *file, const char *val, struct isola_error *err);
int cg_writef(const char *dir, const char *file, struct isola_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Reads the whole file (NUL-terminated, malloc'd) or NULL with err filled. */
char *cg_read(const char *dir, const char *file, struct isola_error *err);
/* cg_read for a single-record file (one value, /proc/self/cgroup): one read fewer. */
char *cg_read_value(const char *dir, const char *file, struct isola_error *err);
bool cg_file_exists(const char *dir, const char *file);
/* "key value" lines: value of key, or -1 when missing. */
int cg_read_keyed(const char *dir, const char *file, const char *key, uint64_t *out);
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
char *cg_path_join(const char *a, const char *b);
/* Sleep with exponential backoff: 1 ms doubling up to 10 ms; returns elapsed ms. */
long cg_backoff(int attempt);
/* Read cgroup.procs of dir and every descendant, appended to *pids. */
int cg_read_pids(const char *dir, pid_t **pids, size_t *n, size_t *cap, struct isola_error *err);
/* kill.c: rmdir the container's dirs that create made (leaf and parents). */
int cg_remove_dirs(const struct cg_hier *h);
/* rmdir dir's descendants (deepest first), then dir itself. */
int cg_rmdir_tree(const char *dir);

/* apply.c: write resources, each section into the hierarchy of its controller. */
struct cg_apply {
	const struct isola_cgroup *cg;
	const struct isola_resources *r;
};
int cg_apply(const struct isola_cgroup *cg, const struct isola_resources *r,
	     struct isola_error *err);

/* Per-controller writers of one hierarchy kind; NULL = no such thing there. */
struct cg_ctrl_ops {
	const char *name;
	int (*memory)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*cpu)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*cpuset)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*pids)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*blkio)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*hugetlb)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*net_cls)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*net_prio)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
	int (*rdma)(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
};
extern const struct cg_ctrl_ops cg_ctrl_ops_v1, cg_ctrl_ops_v2;
/* Writers whose files are the same on v1 and v2 (apply-v1.c). */
int cg_cpuset_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
int cg_pids_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
int cg_rdma_any(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
int cg_hugetlb_v2(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
int cg_devices_v1(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
int cg_devices_v2(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err);
/* procs.c: a warning through the caller's warn function, if any */
void cg_warn(const struct isola_cgroup *cg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Write file in h for field (JSON path): ENOENT becomes "not supported". */
int cg_set(const struct cg_hier *h, const char *file, const char *field, struct isola_error *err,
	   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int cg_unsupported(struct isola_error *err, const char *field, const char *why);

/* state.c: open v2fd/clone_fd (create and load) */
int cg_open_fds(struct isola_cgroup *cg, struct isola_error *err);

/* precheck.c: create's checks; nested = the parent may be frozen (see there). */
int cg_check_not_frozen(const struct cg_hier *h, bool nested, struct isola_error *err);
void cg_warn_not_empty(const struct isola_cgroup *cg);

/* systemd.c */
int cg_systemd_check(const struct isola_cgroup_opts *opts, struct isola_error *err);

#endif
