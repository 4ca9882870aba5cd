/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "manager/internal.h"
#include "runtime/state.h"
#include "spec/config.h"

/*
 * `isola exec`: a process in a running container, starting from the
 * container's own process (its caps, rlimits, env, user) as docker does,
 * with the command line's overrides.
 */

static char **env_merge(char **base, char **add)
{
	size_t n = isola_strv_len(base) + isola_strv_len(add), k = 0;
	char **out = calloc(n + 1, sizeof(char *));
	if (!out)
		return NULL;
	for (char **b = base; b && *b; b++) {
		size_t klen = strcspn(*b, "=");
		bool replaced = false;
		for (char **e = add; e && *e && !replaced; e++)
			replaced = strncmp(*e, *b, klen) == 0 && (*e)[klen] == '=';
		if (!replaced)
			out[k++] = *b;
	}
	for (char **e = add; e && *e; e++)
		out[k++] = *e;
	return out;
}

/* USER[:GROUP] looked up in the container's own files through /proc/PID/root. */
static int exec_user(pid_t pid, const char *spec, struct isola_user *u, struct isola_error *err)
{
	char root[64];
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return isola_err_sys(err, "open \"%s\"", root);
	long uid, gid;
	if (mgr_resolve_user(rootfd, spec, &uid, &gid, err) < 0)
		return -1;
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	u->additional_gids = NULL;
	u->n_additional_gids = 0;
	return 0;
}

int isola_ctr_exec(struct isola_mgr *m, const char *id, struct isola_ctr_exec *x,
		   struct isola_error *err)
{
	struct isola_state *s = isola_state_load(m->rt_root, id, NULL);
	enum isola_status st = s ? isola_state_status(s) : ISOLA_STATUS_STOPPED;
	if (st != ISOLA_STATUS_RUNNING) {
		isola_state_free(s);
		return isola_err(err, ISOLA_ERR_STATE, 0, "container %.12s is not running", id);
	}
	struct isola_config *c = isola_container_config(s, err);
	if (!c) {
		isola_state_free(s);
		return -1;
	}
	struct isola_process p = c->process;
	cleanup_free char **env = env_merge(c->process.env, x->env);
	p.args = x->args;
	p.env = env;
	p.terminal = x->tty;
	if (x->workdir)
		p.cwd = (char *)x->workdir;
	int r = x->user ? exec_user(s->pid, x->user, &p.user, err) : 0;
	struct isola_exec_opts o = {
	    .id = id, .process = &p, .console_fd = -1, .detach = x->detach, .relay_tty = true};
	if (r == 0)
		r = isola_container_exec(&m->rt, &o, err);
	x->pid = o.pid;
	isola_config_free(c);
	isola_state_free(s);
	return r;
}
