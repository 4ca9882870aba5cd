/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layout detection: which hierarchies are mounted under the cgroup root and
 * where the caller sits in each. Done once per create; the result is saved
 * in the container's state so later verbs never detect again.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/strbuild.h"
#include "isola/settings.h"

static const char *const v1_controllers[] = {
    "cpu",   "cpuacct",	   "cpuset",  "memory", "devices", "freezer", "net_cls", "net_prio",
    "blkio", "perf_event", "hugetlb", "pids",	"rdma",	   "misc",    NULL,
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

/*
 * One pass over /proc/self/mountinfo, fields split by hand: the runtime runs
 * this on every create, and sscanf per line per hierarchy was most of its
 * user-space instructions before clone3 (docs/performance.md, item B).
 */
struct mi_line {
	char *id, *parent, *root, *mnt, *fstype, *sopts;
};

/* Split one line in place; false when it is not a well-formed mountinfo line. */
static bool split_line(char *l, struct mi_line *m)
{
	char *f[6], *dash;
	l[strcspn(l, "\n")] = '\0';
	dash = strstr(l, " - ");
	if (!dash)
		return false;
	*dash = '\0';
	for (int i = 0; i < 6; i++) {
		f[i] = l;
		l = strchr(l, ' ');
		if (!l && i < 4)
			return false;
		if (l)
			*l++ = '\0';
	}
	m->id = f[0];
	m->parent = f[1];
	m->root = f[3];
	m->mnt = f[4];
	m->fstype = dash + 3;
	char *src = strchr(m->fstype, ' ');
	if (!src)
		return false;
	*src++ = '\0';
	m->sopts = strchr(src, ' ');
	if (!m->sopts)
		return false;
	m->sopts++;
	return true;
}

/* Each option of sopts looked up once, then the controllers written in table order. */
static char *controllers_of(const char *sopts)
{
	char buf[1024] = "", *p = buf, *end = buf + sizeof(buf), name[256] = "";
	uint32_t seen = 0;
	for (const char *o = sopts; *o;) {
		size_t l = strcspn(o, ",");
		for (int i = 0; v1_controllers[i]; i++)
			if (o[0] == v1_controllers[i][0] && strlen(v1_controllers[i]) == l &&
			    strncmp(o, v1_controllers[i], l) == 0)
				seen |= 1u << i;
		/* named hierarchies (name=systemd): joined too, as runc does */
		if (!name[0] && l >= 5 && strncmp(o, "name=", 5) == 0)
			snprintf(name, sizeof(name), "%.*s", (int)l, o);
		o += l + (o[l] == ',');
	}
	for (int i = 0; v1_controllers[i]; i++)
		if (seen & (1u << i))
			p = isola_stpecpy(isola_stpecpy(p, end, p == buf ? "" : ","), end,
					  v1_controllers[i]);
	if (name[0])
		isola_stpecpy(isola_stpecpy(p, end, p == buf ? "" : ","), end, name);
	return strdup(buf);
}

/*
 * /proc/self/mountinfo into buf when it fits (the usual case: no heap, and no
 * malloc consolidation right after the config tree was freed), else into
 * *heap. NULL when it can't be read.
 */
static const char *read_mountinfo(char *buf, size_t size, char **heap)
{
	*heap = NULL;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t len = 0;
	ssize_t r;
	while (len < size - 1 && (r = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	if (len < size - 1)
		return buf;
	/* procfs hands out whole lines: a full buffer means there may be more */
	*heap = cg_read("/proc/self", "mountinfo", NULL);
	return *heap;
}

/*
 * Calls fn for each line (split, in a copy) that contains need; stops when fn
 * returns non-zero. need is searched over the whole text, so the lines without
 * it (most of the host's mounts) cost no per-line work at all.
 */
static int each_mount(const char *text, const char *need,
		      int (*fn)(const struct mi_line *m, void *data), void *data)
{
	for (const char *p = text; (p = strstr(p, need)) != NULL;) {
		const char *end = strchrnul(p, '\n');
		const char *nl = memrchr(text, '\n', (size_t)(p - text));
		const char *start = nl ? nl + 1 : text;
		size_t len = (size_t)(end - start);
		char small[1024], *line = small;
		cleanup_free char *big = NULL;
		if (len < sizeof(small)) {
			memcpy(small, start, len);
			small[len] = '\0';
		} else if (!(line = big = strndup(start, len))) {
			return -1;
		}
		struct mi_line m;
		int r;
		if (split_line(line, &m) && (r = fn(&m, data)) != 0)
			return r;
		p = *end ? end + 1 : end;
	}
	return 0;
}

struct root_query {
	const char *mnt;
	char *root;
};

static int find_root(const struct mi_line *m, void *data)
{
	struct root_query *q = data;
	if (strcmp(m->mnt, q->mnt) == 0) {
		free(q->root);
		q->root = strdup(m->root); /* the last line for a mount point is the top one */
	}
	return 0;
}

char *cg_mount_root(const char *mount)
{
	char buf[16384];
	cleanup_free char *heap = NULL;
	const char *text = read_mountinfo(buf, sizeof(buf), &heap);
	struct root_query q = {.mnt = mount};
	if (text)
		each_mount(text, mount, find_root, &q);
	return q.root;
}

struct detect {
	const char *root;
	char root_id[32]; /* mount id of the top mount at root, "" when root is no mount point */
	struct cg_hier *hs;
	size_t n;
	struct isola_error *err;
	int rc;
};

static int find_root_id(const struct mi_line *m, void *data)
{
	struct detect *d = data;
	if (strcmp(m->mnt, d->root) == 0)
		snprintf(d->root_id, sizeof(d->root_id), "%s", m->id);
	return 0;
}

static bool directly_below(const char *mnt, const char *root)
{
	size_t rl = strlen(root);
	return strncmp(mnt, root, rl) == 0 && mnt[rl] == '/' && mnt[rl + 1] &&
	       !strchr(mnt + rl + 1, '/');
}

static int push_hier(struct detect *d, int kind, const struct mi_line *m)
{
	struct cg_hier h = {.kind = kind};
	h.mount = strdup(m->mnt);
	h.mnt_root = strdup(m->root);
	h.controllers = kind == CG_V1 ? controllers_of(m->sopts) : strdup("");
	if (!h.mount || !h.mnt_root || !h.controllers) {
		cg_hier_release(&h);
		return isola_err(d->err, ISOLA_ERR_SYSTEM, ENOMEM, "detect");
	}
	if (kind == CG_V1 && !h.controllers[0]) {
		/* a v1 mount with neither controller nor name: nothing to join */
		cg_hier_release(&h);
		return 0;
	}
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->hs[i].mount, h.mount) == 0) { /* mounted over: keep the top one */
			cg_hier_release(&d->hs[i]);
			d->hs[i] = h;
			return 0;
		}
	struct cg_hier *nh = realloc(d->hs, (d->n + 1) * sizeof(*nh));
	if (!nh) {
		cg_hier_release(&h);
		return isola_err(d->err, ISOLA_ERR_SYSTEM, ENOMEM, "detect");
	}
	nh[d->n++] = h;
	d->hs = nh;
	return 0;
}

/*
 * The hierarchies are the cgroup mounts whose parent is the top mount at root
 * (so a view mounted over /sys/fs/cgroup hides what it covers), or, when root
 * itself is no mount point, the cgroup mounts directly below it.
 */
static int take_hier(const struct mi_line *m, void *data)
{
	struct detect *d = data;
	int kind = strcmp(m->fstype, "cgroup2") == 0  ? CG_V2
		   : strcmp(m->fstype, "cgroup") == 0 ? CG_V1
						      : 0;
	if (!kind || !directly_below(m->mnt, d->root))
		return 0;
	if (d->root_id[0] && strcmp(m->parent, d->root_id) != 0)
		return 0;
	if (push_hier(d, kind, m) < 0) {
		d->rc = -1;
		return 1;
	}
	return 0;
}

static int take_root(const struct mi_line *m, void *data)
{
	struct detect *d = data;
	if (strcmp(m->mnt, d->root) != 0 || strcmp(m->fstype, "cgroup2") != 0)
		return 0;
	if (push_hier(d, CG_V2, m) < 0) { /* a later line for root replaces an earlier one */
		d->rc = -1;
		return 1;
	}
	return 0;
}

static const char *cg_root;

void isola_cgroup_set_root(const char *root)
{
	cg_root = root;
}

int cg_detect(int *layout, struct cg_hier **hs, size_t *n, struct isola_error *err)
{
	const char *root = cg_root;
	struct detect d = {.err = err};
	struct statfs sfs;
	if (!root || !*root)
		root = "/sys/fs/cgroup";
	d.root = root;
	*hs = NULL;
	*n = 0;
	if (statfs(root, &sfs) < 0)
		return isola_err_sys(err, "statfs \"%s\"", root);
	char buf[16384];
	cleanup_free char *heap = NULL;
	const char *text = read_mountinfo(buf, sizeof(buf), &heap);
	if (!text)
		return isola_err_sys(err, "read /proc/self/mountinfo");
	if (sfs.f_type == CGROUP2_SUPER_MAGIC) {
		each_mount(text, " - cgroup2 ", take_root, &d);
	} else {
		/* root as a whole field: its own line, not every cgroup line below it */
		char field[4096];
		snprintf(field, sizeof(field), " %s ", root);
		each_mount(text, field, find_root_id, &d);
		each_mount(text, " - cgroup", take_hier, &d);
	}
	*hs = d.hs;
	*n = d.n;
	if (d.rc < 0)
		return -1;
	if (d.n == 0)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "no cgroup hierarchy under \"%s\"",
				 root);
	bool v2 = false;
	for (size_t i = 0; i < d.n; i++)
		v2 = v2 || d.hs[i].kind == CG_V2;
	*layout = !v2 ? CG_LAYOUT_V1 : d.n > 1 ? CG_LAYOUT_HYBRID : CG_LAYOUT_V2;
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

char *cg_own_path_in(const char *proc_cgroup, const struct cg_hier *h, struct isola_error *err)
{
	cleanup_free char *text = strdup(proc_cgroup);
	char first[64] = "", *save = NULL;
	if (!text) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "/proc/self/cgroup");
		return NULL;
	}
	sscanf(h->controllers, "%63[^,]", first);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = '\0';
		bool match =
		    h->kind == CG_V2 ? strcmp(line, "0") == 0 && !c1[1] : in_list(c1 + 1, first);
		if (match)
			return strip_root(c2 + 1, h->mnt_root);
	}
	isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "no \"%s\" line in /proc/self/cgroup",
		  h->kind == CG_V2 ? "0::" : first);
	return NULL;
}

char *cg_own_path(const struct cg_hier *h, struct isola_error *err)
{
	cleanup_free char *text = cg_read_value("/proc/self", "cgroup", err);
	return text ? cg_own_path_in(text, h, err) : NULL;
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
