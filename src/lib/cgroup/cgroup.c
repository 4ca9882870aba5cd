/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY STUB: replaced by the real cgroup manager. Does nothing. */
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"

struct isola_resources {
	int unused;
};
struct isola_cgroup {
	int unused;
};

struct isola_resources *isola_resources_parse(struct json_object *obj, const char *path,
					      struct isola_error *err)
{
	return calloc(1, sizeof(struct isola_resources));
}

void isola_resources_free(struct isola_resources *r)
{
	free(r);
}

int isola_cgroup_create(const struct isola_cgroup_opts *opts, struct isola_cgroup **out,
			struct isola_error *err)
{
	*out = calloc(1, sizeof(**out));
	return 0;
}

int isola_cgroup_v2_fd(const struct isola_cgroup *cg)
{
	return -1;
}

int isola_cgroup_enter(const struct isola_cgroup *cg, pid_t pid, struct isola_error *err)
{
	return 0;
}

int isola_cgroup_update(const struct isola_cgroup *cg, const struct isola_resources *r,
			struct isola_error *err)
{
	return 0;
}

int isola_cgroup_freeze(const struct isola_cgroup *cg, bool freeze, struct isola_error *err)
{
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "cgroups not implemented yet");
}

int isola_cgroup_is_frozen(const struct isola_cgroup *cg, struct isola_error *err)
{
	return 0;
}

int isola_cgroup_pids(const struct isola_cgroup *cg, pid_t **pids, size_t *n,
		      struct isola_error *err)
{
	*pids = NULL;
	*n = 0;
	return 0;
}

int isola_cgroup_kill(const struct isola_cgroup *cg, int sig, struct isola_error *err)
{
	return 0;
}

int isola_cgroup_destroy(struct isola_cgroup *cg, struct isola_error *err)
{
	return 0;
}

int isola_cgroup_stats(const struct isola_cgroup *cg, struct json_object **out,
		       struct isola_error *err)
{
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "cgroups not implemented yet");
}

int isola_cgroup_oom_fd(const struct isola_cgroup *cg, struct isola_error *err)
{
	return -1;
}

int isola_cgroup_oom_count(const struct isola_cgroup *cg, unsigned long *count,
			   struct isola_error *err)
{
	*count = 0;
	return 0;
}

int isola_cgroup_mount(const struct isola_cgroup *cg, int dirfd, unsigned long flags,
		       struct isola_error *err)
{
	return 0;
}

char *isola_cgroup_save(const struct isola_cgroup *cg)
{
	return strdup("{}");
}

struct isola_cgroup *isola_cgroup_load(const char *saved, struct isola_error *err)
{
	return calloc(1, sizeof(struct isola_cgroup));
}

void isola_cgroup_free(struct isola_cgroup *cg)
{
	free(cg);
}
