/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "linux/ns.h"

int isola_ns_new_flags(const struct isola_config *c)
{
	int flags = 0;
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (!c->namespaces[i].path)
			flags |= c->namespaces[i].type;
	return flags;
}

/* The user namespace must be joined first: the others are owned by it. */
static int join_one(const struct isola_namespace *ns, struct isola_error *err)
{
	cleanup_close int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open %s namespace \"%s\"",
				     isola_namespace_name(ns->type), ns->path);
	if (setns(fd, ns->type) < 0)
		return isola_err_sys(err, "join %s namespace \"%s\"",
				     isola_namespace_name(ns->type), ns->path);
	return 0;
}

int isola_ns_join_paths(const struct isola_config *c, int mask, struct isola_error *err)
{
	const struct isola_namespace *user = isola_config_namespace(c, CLONE_NEWUSER);
	if (user && user->path && (mask & CLONE_NEWUSER) && join_one(user, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		const struct isola_namespace *ns = &c->namespaces[i];
		if (!ns->path || ns->type == CLONE_NEWUSER || !(ns->type & mask))
			continue;
		if (join_one(ns, err) < 0)
			return -1;
	}
	return 0;
}

char *isola_idmap_format(const struct isola_idmap *m, size_t n)
{
	size_t cap = n * 36 + 1;
	char *buf = malloc(cap), *p = buf;
	if (!buf)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, cap - (size_t)(p - buf), "%u %u %u\n", m[i].container_id,
			      m[i].host_id, m[i].size);
	return buf;
}

static int write_map(pid_t pid, const char *file, const struct isola_idmap *m, size_t n,
		     struct isola_error *err)
{
	char path[64];
	cleanup_free char *text = isola_idmap_format(m, n);
	if (!text)
		return isola_err_sys(err, "alloc");
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (isola_write_file_at(AT_FDCWD, path, text, strlen(text), err) < 0)
		return isola_err_prefix(err, "write %s", file);
	return 0;
}

int isola_idmap_write(pid_t pid, const struct isola_config *c, struct isola_error *err)
{
	/* Without CAP_SETGID in the parent namespace the kernel wants setgroups denied first. */
	if (geteuid() != 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (isola_write_file_at(AT_FDCWD, path, "deny", 4, err) < 0 && errno != ENOENT)
			return -1;
	}
	if (c->n_uid_mappings && write_map(pid, "uid_map", c->uid_mappings, c->n_uid_mappings,
					   err) < 0)
		return -1;
	if (c->n_gid_mappings && write_map(pid, "gid_map", c->gid_mappings, c->n_gid_mappings,
					   err) < 0)
		return -1;
	return 0;
}
