/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "runtime/container.h"

/* runc exec's command line over the process of the config a container was created with. */

static int strv_push(char ***v, size_t *n, const char *s, struct isola_error *err)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "exec");
	nv[(*n)++] = (char *)s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* -e K=V replaces K in the inherited environment or is appended; the strings stay the callers'. */
static int merge_env(char **base, char **add, char ***out, struct isola_error *err)
{
	size_t n = 0;
	*out = NULL;
	for (char **b = base; b && *b; b++) {
		size_t klen = strcspn(*b, "=");
		bool replaced = false;
		for (char **e = add; e && *e; e++)
			if (strncmp(*e, *b, klen) == 0 && (*e)[klen] == '=')
				replaced = true;
		if (!replaced && strv_push(out, &n, *b, err) < 0)
			return -1;
	}
	for (char **e = add; e && *e; e++)
		if (strv_push(out, &n, *e, err) < 0)
			return -1;
	if (!*out && !(*out = calloc(1, sizeof(char *))))
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "exec");
	return 0;
}

/* "UID" or "UID:GID", numbers only: a name or trailing junk must not become uid 0. */
static int parse_user(const char *s, struct isola_user *u)
{
	char *colon = strchr(s, ':');
	unsigned long long uid, gid;
	char ubuf[32];
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	if (ulen == 0 || ulen >= sizeof(ubuf))
		return -1;
	memcpy(ubuf, s, ulen);
	ubuf[ulen] = '\0';
	if (isola_parse_u64(ubuf, &uid) < 0 || uid > 0xfffffffeULL)
		return -1;
	u->uid = (uid_t)uid;
	if (colon) {
		if (isola_parse_u64(colon + 1, &gid) < 0 || gid > 0xfffffffeULL)
			return -1;
		u->gid = (gid_t)gid;
	}
	return 0;
}

static int set_gids(const struct isola_exec_process *a, struct isola_user *u,
		    struct isola_error *err)
{
	size_t n = isola_strv_len(a->gids);
	u->additional_gids = calloc(n, sizeof(gid_t));
	if (!u->additional_gids)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "exec");
	u->n_additional_gids = n;
	for (size_t i = 0; i < n; i++) {
		unsigned long long g;
		if (isola_parse_u64(a->gids[i], &g) < 0)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "invalid --additional-gids \"%s\"", a->gids[i]);
		u->additional_gids[i] = (gid_t)g;
	}
	return 0;
}

static int apply_overrides(const struct isola_exec_process *a, struct isola_process *p,
			   struct isola_error *err)
{
	p->terminal = a->tty;
	if (a->cwd)
		p->cwd = (char *)a->cwd;
	char **env = NULL;
	int r = a->env ? merge_env(p->env, a->env, &env, err) : 0;
	if (env)
		p->env = env; /* also a partial one, which the caller frees */
	if (r < 0)
		return -1;
	if (a->user && parse_user(a->user, &p->user) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid --user \"%s\": expected UID[:GID]", a->user);
	if (a->gids && set_gids(a, &p->user, err) < 0)
		return -1;
	for (char **cap = a->caps; cap && *cap; cap++) {
		int n = isola_cap_from_name(*cap);
		if (n < 0)
			return isola_err(err, ISOLA_ERR_INVALID, 0, "unknown capability \"%s\"",
					 *cap);
		uint64_t bit = 1ULL << n;
		p->has_caps = true;
		p->caps.bounding |= bit;
		p->caps.effective |= bit;
		p->caps.permitted |= bit;
	}
	if (a->no_new_privs)
		p->no_new_privileges = true;
	if (a->apparmor)
		p->apparmor_profile = (char *)a->apparmor;
	if (a->label)
		p->selinux_label = (char *)a->label;
	return 0;
}

/* The process to run: the config's, with the command line's overrides, or the file's. */
static int exec_with(const struct isola_rt *rt, struct isola_exec_opts *opts,
		     const struct isola_exec_process *a, const struct isola_config *c,
		     struct isola_error *err)
{
	struct isola_process fromfile = {0};
	struct isola_process p = c->process; /* runc: exec starts from the config's process */
	int r;
	if (a->file) {
		r = isola_process_load(a->file, &fromfile, err);
		p = fromfile;
	} else {
		p.args = a->args;
		r = apply_overrides(a, &p, err);
	}
	if (r == 0) {
		opts->process = &p;
		r = isola_container_exec(rt, opts, err);
		opts->process = NULL;
	}
	/* Overrides own only what they allocated; the rest belongs to c. */
	if (!a->file && p.env != c->process.env)
		free(p.env);
	if (!a->file && p.user.additional_gids != c->process.user.additional_gids)
		free(p.user.additional_gids);
	isola_process_release(&fromfile);
	return r;
}

int isola_container_exec_process(const struct isola_rt *rt, struct isola_exec_opts *opts,
				 const struct isola_exec_process *p, struct isola_error *err)
{
	struct isola_state *s = isola_state_load(rt->root, opts->id, err);
	struct isola_config *c = s ? isola_container_config(s, err) : NULL;
	int r = c ? exec_with(rt, opts, p, c, err) : -1;
	isola_config_free(c);
	isola_state_free(s);
	return r;
}
