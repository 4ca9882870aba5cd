/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * exec --cgroup (as runc): run the process in an existing sub-cgroup of the
 * container's cgroup instead of the cgroup itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

/* A relative path without empty, "." or ".." components: it stays below the cgroup. */
static bool sub_path_ok(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *c = p; *c;) {
		size_t l = strcspn(c, "/");
		if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += l + (c[l] == '/');
	}
	return p[strlen(p) - 1] != '/';
}

/* Does h hold one of the comma-separated controllers (all of them when ctrls is empty)? */
static bool holds_any(const struct cg_hier *h, const char *ctrls)
{
	if (!*ctrls)
		return true;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", ctrls);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (cg_has_controller(h, t))
			return true;
	return false;
}

int isola_cgroup_narrow(struct isola_cgroup *cg, const char *spec, struct isola_error *err)
{
	if (cg->disabled)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "--cgroup %s: the container runs without cgroups", spec);
	const char *colon = strchr(spec, ':');
	const char *sub = colon ? colon + 1 : spec;
	char ctrls[256] = "";
	if (colon)
		snprintf(ctrls, sizeof(ctrls), "%.*s", (int)(colon - spec), spec);
	/* "/" is the container's own cgroup (as runc): nothing to narrow, controllers checked. */
	bool self = strcmp(sub, "/") == 0;
	if (!self && !sub_path_ok(sub))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "--cgroup %s: expected [CONTROLLER[,...]:]PATH, PATH relative and "
				 "without . or ..",
				 spec);
	size_t matched = 0;
	for (size_t i = 0; i < cg->nh; i++) {
		struct cg_hier *h = &cg->h[i];
		if (!holds_any(h, ctrls))
			continue;
		matched++;
		if (self)
			continue;
		char *dir = NULL;
		struct stat st;
		if (asprintf(&dir, "%s/%s", h->dir, sub) < 0)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "--cgroup");
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "--cgroup %s: no sub-cgroup \"%s\"",
				  spec, dir);
			free(dir);
			return -1;
		}
		free(h->dir);
		h->dir = dir;
	}
	if (matched == 0)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0,
				 "--cgroup %s: no hierarchy holds controller \"%s\"", spec, ctrls);
	/* clone3 puts the process into the v2 part: that may be the sub-cgroup now. */
	if (!self && cg->clone_fd >= 0) {
		close(cg->clone_fd);
		cg->v2fd = cg->clone_fd = -1;
		return cg_open_fds(cg, err);
	}
	return 0;
}
