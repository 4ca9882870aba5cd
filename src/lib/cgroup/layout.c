/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layout detection: which hierarchies are mounted under the cgroup root and
 * where the caller sits in each. Done once per create; the result is saved
 * in the container's state so later verbs never detect again.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

static const char *const v1_controllers[] = {
	"cpu",     "cpuacct", "cpuset",     "memory",  "devices", "freezer", "net_cls",
	"net_prio", "blkio",  "perf_event", "hugetlb", "pids",    "rdma",    "misc",
	NULL,
};

static bool in_list(const char *list, const char *item)
{
	size_t il = strlen(item);
	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (l == il && strncmp(p, item, il) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

/* From mountinfo: the mount's root and its v1 controllers (from super options). */
static int mount_info(const char *mnt, char **root, char **ctrls)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char r[4096], mp[4096], fstype[64], src[256], sopts[1024];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", r, mp) != 2 ||
		    sscanf(dash + 3, "%63s %255s %1023s", fstype, src, sopts) != 3)
			continue;
		if (strcmp(mp, mnt) != 0)
			continue;
		char buf[1024] = "";
		for (int i = 0; v1_controllers[i]; i++)
			if (in_list(sopts, v1_controllers[i]))
				snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
					 buf[0] ? "," : "", v1_controllers[i]);
		/* named hierarchies (name=systemd): joined too, as runc does */
		const char *nm = strstr(sopts, "name=");
		if (nm && (nm == sopts || nm[-1] == ','))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%.*s",
				 buf[0] ? "," : "", (int)strcspn(nm, ","), nm);
		free(*root);
		free(*ctrls);
		*root = strdup(r);
		*ctrls = strdup(buf);
	}
	return *root && *ctrls ? 0 : -1;
}

char *cg_mount_root(const char *mount)
{
	char *root = NULL, *ctrls = NULL;
	mount_info(mount, &root, &ctrls);
	free(ctrls);
	return root;
}

static int add_hier(struct cg_hier **hs, size_t *n, int kind, const char *mnt,
		    struct isola_error *err)
{
	struct cg_hier h = {.kind = kind};
	h.mount = strdup(mnt);
	if (mount_info(mnt, &h.mnt_root, &h.controllers) < 0 || !h.mount) {
		cg_hier_release(&h);
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "\"%s\" not found in mountinfo", mnt);
	}
	if (kind == CG_V1 && !h.controllers[0]) {
		/* a v1 mount with neither controller nor name: nothing to join */
		cg_hier_release(&h);
		return 0;
	}
	struct cg_hier *nh = realloc(*hs, (*n + 1) * sizeof(*nh));
	if (!nh) {
		cg_hier_release(&h);
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "detect");
	}
	nh[(*n)++] = h;
	*hs = nh;
	return 0;
}

static int scan_root(const char *root, struct cg_hier **hs, size_t *n, bool *v2,
		     struct isola_error *err)
{
	cleanup_closedir DIR *d = opendir(root);
	struct dirent *de;
	if (!d)
		return isola_err_sys(err, "open cgroup root \"%s\"", root);
	while ((de = readdir(d))) {
		struct statfs sfs;
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		cleanup_free char *p = cg_path_join(root, de->d_name);
		/* "cpu" -> "cpu,cpuacct" symlinks would list a hierarchy twice */
		if (!p || lstat(p, &st) < 0 || !S_ISDIR(st.st_mode) || statfs(p, &sfs) < 0)
			continue;
		int kind = sfs.f_type == CGROUP2_SUPER_MAGIC ? CG_V2
			 : sfs.f_type == CGROUP_SUPER_MAGIC  ? CG_V1
							     : 0;
		if (kind == CG_V2)
			*v2 = true;
		if (kind && add_hier(hs, n, kind, p, err) < 0)
			return -1;
	}
	return 0;
}

int cg_detect(int *layout, struct cg_hier **hs, size_t *n, struct isola_error *err)
{
	const char *root = getenv("ISOLA_CGROUP_ROOT");
	struct statfs sfs;
	bool v2 = false;
	if (!root || !*root)
		root = "/sys/fs/cgroup";
	*hs = NULL;
	*n = 0;
	if (statfs(root, &sfs) < 0)
		return isola_err_sys(err, "statfs \"%s\"", root);
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		*layout = CG_LAYOUT_V2;
		return add_hier(hs, n, CG_V2, root, err);
	}
	if (scan_root(root, hs, n, &v2, err) < 0)
		return -1;
	if (*n == 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no cgroup hierarchy under \"%s\"",
				 root);
	*layout = v2 ? (*n > 1 ? CG_LAYOUT_HYBRID : CG_LAYOUT_V2) : CG_LAYOUT_V1;
	return 0;
}

static char *strip_root(const char *path, const char *mnt_root)
{
	size_t rl = strlen(mnt_root);
	if (strcmp(mnt_root, "/") != 0 && strncmp(path, mnt_root, rl) == 0 &&
	    (path[rl] == '/' || path[rl] == '\0'))
		return strdup(path[rl] ? path + rl : "/");
	return strdup(path);
}

char *cg_own_path(const struct cg_hier *h, struct isola_error *err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/cgroup", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	char first[64] = "";
	if (!f) {
		isola_err_sys(err, "open /proc/self/cgroup");
		return NULL;
	}
	sscanf(h->controllers, "%63[^,]", first);
	while (getline(&line, &cap, f) > 0) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		bool match = h->kind == CG_V2 ? strcmp(line, "0") == 0 && !c1[1]
					      : in_list(c1 + 1, first);
		if (match)
			return strip_root(c2 + 1, h->mnt_root);
	}
	isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no \"%s\" line in /proc/self/cgroup",
		  h->kind == CG_V2 ? "0::" : first);
	return NULL;
}

void cg_hier_release(struct cg_hier *h)
{
	free(h->mount);
	free(h->controllers);
	free(h->mnt_root);
	free(h->path);
	free(h->dir);
	memset(h, 0, sizeof(*h));
}

bool cg_has_controller(const struct cg_hier *h, const char *ctrl)
{
	if (h->kind == CG_V1)
		return in_list(h->controllers, ctrl);
	cleanup_free char *s = cg_read(h->dir ? h->dir : h->mount, "cgroup.controllers", NULL);
	if (!s)
		return false;
	s[strcspn(s, "\n")] = '\0';
	for (char *save = NULL, *t = strtok_r(s, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (strcmp(t, ctrl) == 0)
			return true;
	return false;
}

const struct cg_hier *cg_find(const struct isola_cgroup *cg, const char *ctrl)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].kind == CG_V1 && cg_has_controller(&cg->h[i], ctrl))
			return &cg->h[i];
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].kind == CG_V2 && cg_has_controller(&cg->h[i], ctrl))
			return &cg->h[i];
	return NULL;
}

const struct cg_hier *cg_find_kind(const struct isola_cgroup *cg, int kind)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].kind == kind)
			return &cg->h[i];
	return NULL;
}
