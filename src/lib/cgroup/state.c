/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container's cgroups, saved with its state so that later verbs (kill,
 * pause, update, delete) never detect or guess again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/strbuild.h"

int cg_open_fds(struct isola_cgroup *cg, struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : cg_find_kind(cg, CG_V2);
	if (!h)
		return 0;
	cg->clone_fd = open(h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg->clone_fd < 0)
		return err ? isola_err_sys(err, "open \"%s\"", h->dir) : -1;
	if (cg->layout == CG_LAYOUT_V2 && cg->nh == 1)
		cg->v2fd = cg->clone_fd;
	return 0;
}

static const char *const layout_names[] = {"none", "v1", "v2", "hybrid"};

const char *isola_cgroup_layout(const struct isola_cgroup *cg)
{
	return cg->disabled ? "none" : layout_names[cg->layout];
}

const char *isola_cgroup_dir(const struct isola_cgroup *cg, const char *controller)
{
	const struct cg_hier *h = NULL;
	if (cg->disabled)
		return NULL;
	h = controller && *controller ? cg_find(cg, controller) : cg_find_kind(cg, CG_V2);
	return h ? h->dir : NULL;
}

void isola_cgroup_set_warn(struct isola_cgroup *cg, isola_cgroup_warn_fn fn, void *data)
{
	cg->warn = fn;
	cg->warn_data = data;
}

/*
 * Saved as text, one hierarchy a line, tab-separated: writing and reading it
 * is a few snprintf/strtok calls instead of a JSON round trip on every
 * container start (issue 5).
 *   isola-cgroup 1 LAYOUT
 *   KIND CREATED MOUNT MOUNT_ROOT PATH CONTROLLERS
 */
#define STATE_MAGIC "isola-cgroup 1"

static bool field_ok(const char *f)
{
	return f && !strpbrk(f, "\t\n");
}

char *isola_cgroup_save(const struct isola_cgroup *cg)
{
	size_t cap = 64;
	for (size_t i = 0; i < cg->nh; i++) {
		const struct cg_hier *h = &cg->h[i];
		if (!field_ok(h->mount) || !field_ok(h->mnt_root) || !field_ok(h->path) ||
		    !field_ok(h->controllers))
			return NULL;
		cap += strlen(h->mount) + strlen(h->mnt_root) + strlen(h->path) +
		       strlen(h->controllers) + 32;
	}
	char *out = malloc(cap), *p = out, *end = out + cap;
	if (!out)
		return NULL;
	p = isola_stpecpy(p, end, STATE_MAGIC " ");
	p = isola_stpechr(isola_stpecpy(p, end, isola_cgroup_layout(cg)), end, '\n');
	for (size_t i = 0; i < cg->nh; i++) {
		const struct cg_hier *h = &cg->h[i];
		p = isola_stpecpy(p, end, h->kind == CG_V2 ? "v2\t" : "v1\t");
		p = isola_stpechr(isola_stpei64(p, end, h->created), end, '\t');
		p = isola_stpechr(isola_stpecpy(p, end, h->mount), end, '\t');
		p = isola_stpechr(isola_stpecpy(p, end, h->mnt_root), end, '\t');
		p = isola_stpechr(isola_stpecpy(p, end, h->path), end, '\t');
		p = isola_stpechr(isola_stpecpy(p, end, h->controllers), end, '\n');
	}
	return out;
}

static int load_hier(char *line, struct cg_hier *h, struct isola_error *err)
{
	char *f[6];
	int n = 0;
	/* strsep keeps empty fields (an empty controller list on v2). */
	while (n < 6 && (f[n] = strsep(&line, "\t")))
		n++;
	if (n != 6 || line)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: bad hierarchy entry");
	h->kind = strcmp(f[0], "v2") == 0 ? CG_V2 : CG_V1;
	h->created = atoi(f[1]);
	h->mount = strdup(f[2]);
	h->mnt_root = strdup(f[3]);
	h->path = strdup(f[4]);
	h->controllers = strdup(f[5]);
	if (!h->mount || !h->mnt_root || !h->path || !h->controllers || h->path[0] != '/' ||
	    strstr(h->path, ".."))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: bad hierarchy entry");
	h->dir = cg_path_join(h->mount, h->path);
	return h->dir ? 0 : isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup state");
}

static int load_into(struct isola_cgroup *cg, char *text, struct isola_error *err)
{
	char *line = strsep(&text, "\n");
	if (!line || strncmp(line, STATE_MAGIC " ", sizeof(STATE_MAGIC)) != 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: unknown format");
	const char *layout = line + sizeof(STATE_MAGIC);
	for (int i = 1; i < 4; i++)
		if (strcmp(layout, layout_names[i]) == 0)
			cg->layout = i;
	cg->disabled = cg->layout == 0;
	size_t n = 0;
	for (const char *p = text; p && *p; p++)
		n += *p == '\n';
	cg->h = calloc(n ? n : 1, sizeof(*cg->h));
	if (!cg->h)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "cgroup state");
	while (text && *text && cg->nh < n) {
		line = strsep(&text, "\n");
		if (load_hier(line, &cg->h[cg->nh++], err) < 0)
			return -1;
	}
	/* the cgroup may be gone (delete after a crash): not an error here */
	cg_open_fds(cg, NULL);
	return 0;
}

struct isola_cgroup *isola_cgroup_load(const char *saved, struct isola_error *err)
{
	cleanup_free char *text = saved ? strdup(saved) : NULL;
	struct isola_cgroup *cg = text ? calloc(1, sizeof(*cg)) : NULL;
	if (!cg) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "cgroup state: missing");
		return NULL;
	}
	cg->v2fd = cg->clone_fd = -1;
	if (load_into(cg, text, err) < 0) {
		isola_cgroup_free(cg);
		return NULL;
	}
	return cg;
}

void isola_cgroup_free(struct isola_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->nh; i++)
		cg_hier_release(&cg->h[i]);
	free(cg->h);
	if (cg->clone_fd >= 0)
		close(cg->clone_fd);
	free(cg);
}

int isola_cgroup_oom_fd(const struct isola_cgroup *cg, struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : cg_find(cg, "memory");
	if (!h)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "no memory controller for this container");
	return cg_backend(h)->oom_fd(h, err);
}

int isola_cgroup_oom_count(const struct isola_cgroup *cg, unsigned long *count,
			   struct isola_error *err)
{
	const struct cg_hier *h = cg->disabled ? NULL : cg_find(cg, "memory");
	*count = 0;
	if (!h)
		return 0;
	return cg_backend(h)->oom_count(h, count, err);
}
