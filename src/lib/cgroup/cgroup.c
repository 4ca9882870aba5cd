/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup manager: creation and removal of the container's directories in
 * every hierarchy, process placement. Freeze and the process list live in
 * procs.c, kill and removal in kill.c, resource writing in apply-v1.c and
 * apply-v2.c, statistics in stats.c, the container's view in mount.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/strbuild.h"

/* Join base and rel, dropping empty and "." components; ".." is refused. */
static char *clean_join(const char *base, const char *rel, struct isola_error *err)
{
	size_t cap = strlen(base) + strlen(rel) + 2, len = 0;
	char *out = malloc(cap);
	cleanup_free char *tmp = malloc(cap);
	if (tmp)
		isola_stpecpy(isola_stpechr(isola_stpecpy(tmp, tmp + cap, base), tmp + cap, '/'),
			      tmp + cap, rel);
	if (!out || !tmp) {
		free(out);
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup path");
		return NULL;
	}
	for (char *save = NULL, *c = strtok_r(tmp, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			free(out);
			isola_err(err, ISOLA_ERR_INVALID, 0,
				  "cgroupsPath \"%s\": \"..\" not allowed", rel);
			return NULL;
		}
		len =
		    (size_t)(isola_stpecpy(isola_stpechr(out + len, out + cap, '/'), out + cap, c) -
			     out);
	}
	if (len == 0)
		strcpy(out, "/");
	return out;
}

static int resolve_path(struct cg_hier *h, const struct isola_cgroup_opts *opts,
			const char *proc_cgroup, struct isola_error *err)
{
	const char *p = opts->cgroups_path;
	cleanup_free char *own = NULL;
	if (!p || !*p)
		p = opts->id;
	if (p[0] != '/') {
		own = cg_own_path_in(proc_cgroup, h, err);
		if (!own)
			return -1;
	}
	h->path = clean_join(own ? own : "/", p, err);
	if (!h->path)
		return -1;
	if (strcmp(h->path, "/") == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "cgroupsPath: refusing the root cgroup");
	h->dir = cg_path_join(h->mount, h->path);
	return h->dir ? 0 : isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup path");
}

static int make_dirs(struct cg_hier *h, struct isola_error *err)
{
	const struct cg_backend *be = cg_backend(h);
	size_t ml = strlen(h->mount);
	cleanup_free char *d = strdup(h->dir);
	if (!d)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "mkdir");
	h->created = 0;
	for (char *s = d + ml + 1; s;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (mkdir(d, 0755) == 0)
			h->created++;
		else if (errno != EEXIST || h->created > 0)
			return isola_err_sys(err, "mkdir \"%s\"", d);
		if (be->prepare_level(h, d, err) < 0)
			return -1;
		if (slash)
			*slash = '/';
		s = slash ? slash + 1 : NULL;
	}
	/* the leaf is the container's even when it already existed (a rerun after a crash) */
	h->reused = h->created == 0;
	if (h->created == 0)
		h->created = 1;
	return 0;
}

static bool perm_error(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

/* rootless: drop hierarchies we may not write to; fine unless limits were asked for. */
static int make_all(struct isola_cgroup *cg, const struct isola_cgroup_opts *opts,
		    struct isola_error *err)
{
	for (size_t i = 0; i < cg->nh;) {
		struct cg_hier *h = &cg->h[i];
		if (make_dirs(h, err) == 0) {
			i++;
			continue;
		}
		cg_remove_dirs(h);
		if (!opts->rootless || !perm_error(err->errnum))
			return -1;
		if (opts->resources && isola_resources_any(opts->resources))
			return isola_err_prefix(err, "rootless: linux.resources needs cgroups");
		cg_hier_release(h);
		memmove(h, h + 1, (cg->nh - i - 1) * sizeof(*h));
		cg->nh--;
	}
	if (cg->nh == 0)
		cg->disabled = true;
	return 0;
}

static struct isola_cgroup *cg_new(void)
{
	struct isola_cgroup *cg = calloc(1, sizeof(*cg));
	if (cg)
		cg->v2fd = cg->clone_fd = -1;
	return cg;
}

/* Where the container's cgroup goes in each hierarchy; nothing is made yet. */
static int plan(struct isola_cgroup *cg, const struct isola_cgroup_opts *opts,
		struct isola_error *err)
{
	cleanup_free char *proc_cgroup = NULL;
	if (cg_detect(&cg->layout, &cg->h, &cg->nh, err) < 0)
		return -1;
	proc_cgroup = cg_read_value("/proc/self", "cgroup", err);
	if (!proc_cgroup)
		return -1;
	for (size_t i = 0; i < cg->nh; i++)
		if (resolve_path(&cg->h[i], opts, proc_cgroup, err) < 0)
			return -1;
	const char *p = opts->cgroups_path && *opts->cgroups_path ? opts->cgroups_path : opts->id;
	bool nested = strchr(p + (p[0] == '/'), '/') != NULL;
	for (size_t i = 0; i < cg->nh; i++)
		if (cg_check_not_frozen(&cg->h[i], nested, err) < 0)
			return -1;
	return 0;
}

static int create_steps(struct isola_cgroup *cg, const struct isola_cgroup_opts *opts,
			struct isola_error *err)
{
	if (make_all(cg, opts, err) < 0)
		return -1;
	cg_warn_not_empty(cg);
	if (opts->resources && !cg->disabled && cg_apply(cg, opts->resources, err) < 0)
		return -1;
	return cg_open_fds(cg, err);
}

int isola_cgroup_create(const struct isola_cgroup_opts *opts, struct isola_cgroup **out,
			struct isola_error *err)
{
	struct isola_cgroup *cg;
	*out = NULL;
	if (!opts->id || !*opts->id)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup: container id required");
	if (opts->systemd)
		return cg_systemd_check(opts, err);
	cg = cg_new();
	if (!cg)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup");
	cg->warn = opts->warn;
	cg->warn_data = opts->warn_data;
	/* A refused plan made nothing, and what exists there is not ours to destroy. */
	if (plan(cg, opts, err) < 0) {
		isola_cgroup_free(cg);
		return -1;
	}
	if (create_steps(cg, opts, err) < 0) {
		struct isola_error ignored;
		/* hierarchies make_all did not reach have created == 0: skipped */
		if (!cg->disabled)
			isola_cgroup_destroy(cg, &ignored);
		isola_cgroup_free(cg);
		return -1;
	}
	*out = cg;
	return 0;
}

int isola_cgroup_v2_fd(const struct isola_cgroup *cg)
{
	return cg ? cg->v2fd : -1;
}

int isola_cgroup_enter(const struct isola_cgroup *cg, pid_t pid, struct isola_error *err)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg_writef(cg->h[i].dir, "cgroup.procs", err, "%d", (int)pid) < 0)
			return -1;
	return 0;
}

int isola_cgroup_enter_self(const struct isola_cgroup *cg, bool in_v2, struct isola_error *err)
{
	for (size_t i = 0; i < cg->nh; i++) {
		const struct cg_hier *h = &cg->h[i];
		if (h->kind == CG_V2 && in_v2)
			continue;
		if (cg_write(h->dir, h->kind == CG_V1 ? "tasks" : "cgroup.procs", "0", err) < 0)
			return -1;
	}
	return 0;
}

int isola_cgroup_clone_fd(const struct isola_cgroup *cg)
{
	return cg ? cg->clone_fd : -1;
}

int isola_cgroup_update(const struct isola_cgroup *cg, const struct isola_resources *r,
			struct isola_error *err)
{
	if (cg->disabled)
		return isola_resources_any(r)
			   ? isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				       "container runs without cgroups (rootless): cannot update")
			   : 0;
	return cg_apply(cg, r, err);
}
