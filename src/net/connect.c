/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * isola network connect [--ip IP] [--ip6 IP] [--alias NAME]... NETWORK CONTAINER
 * isola network disconnect [-f] NETWORK CONTAINER
 *
 * The record changes under the store lock (a lease taken or given back, the
 * entry added or removed); a running container gets or loses the link at
 * once, in its netns (/proc/PID/ns/net of its init), and the hosts files of
 * the containers on that network follow.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "updown.h"

struct conn_args {
	const char *ip, *ip6, *net, *ctr;
	char **aliases;
	size_t naliases;
	bool force;
};

static int parse(int argc, char **argv, bool connect, struct conn_args *a)
{
	static const struct option opts[] = {
	    {"ip", required_argument, NULL, 'i'},
	    {"ip6", required_argument, NULL, '6'},
	    {"alias", required_argument, NULL, 'a'},
	    {"force", no_argument, NULL, 'f'},
	    {0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c == 'i' && connect)
			a->ip = optarg;
		else if (c == '6' && connect)
			a->ip6 = optarg;
		else if (c == 'a' && connect) {
			char **na = realloc(a->aliases, (a->naliases + 2) * sizeof(char *));
			if (!na)
				return 125;
			a->aliases = na;
			a->aliases[a->naliases++] = optarg;
			a->aliases[a->naliases] = NULL;
		} else if (c == 'f' && !connect)
			a->force = true;
		else
			return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "isola: network %s: want NETWORK CONTAINER\n",
			connect ? "connect" : "disconnect");
		return 2;
	}
	a->net = argv[optind];
	a->ctr = argv[optind + 1];
	return 0;
}

static pid_t running_pid(struct net_ctx *u, struct json_object *rec)
{
	if (strcmp(isola_ctr_status(&u->m, rec), "running") != 0)
		return 0;
	return (pid_t)mgr_int(mgr_obj(rec, "State"), "Pid", 0);
}

/* The record changed under the lock; saved durably (what the user configured). */
static struct json_object *change(struct net_ctx *u, const struct conn_args *a, bool connect,
				  struct json_object **before, struct isola_error *err)
{
	int lock = isola_mgr_lock(&u->m, err);
	if (lock < 0)
		return NULL;
	struct json_object *rec = isola_ctr_load(&u->m, u->id, err);
	int r = rec ? 0 : -1;
	if (r == 0 && json_object_deep_copy(rec, before, NULL) < 0)
		r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "copy");
	if (r == 0)
		r = connect
			? mgr_net_join(&u->m, u->id, a->net, a->ip, a->ip6, a->aliases, rec, err)
			: mgr_net_leave(&u->m, u->id, a->net, rec, err);
	if (r == 0 && mgr_save(&u->m, u->id, rec, true, err) < 0) {
		if (connect)
			mgr_net_leave(&u->m, u->id, a->net, rec, NULL);
		r = -1;
	}
	close(lock);
	if (r < 0) {
		json_object_put(rec);
		json_object_put(*before);
		*before = NULL;
		return NULL;
	}
	return rec;
}

/* The link of network net, made (connect) or deleted, in the running container. */
static int relink(struct net_ctx *u, pid_t pid, const char *net, struct json_object *entry,
		  bool connect, struct isola_error *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	u->ctr_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (u->ctr_fd < 0)
		return isola_err_sys(err, "open \"%s\"", path);
	int r = (u->ctr = isola_nl_open(u->ctr_fd, err)) ? 0 : -1;
	if (r == 0 && connect)
		r = (u->host = isola_nl_open(-1, err)) ? net_join(u, net, entry, 9, err) : -1;
	else if (r == 0)
		r = isola_link_del(u->ctr, mgr_str(entry, "IfName", "eth0"), err);
	return r;
}

int net_connect_main(int argc, char **argv, bool connect)
{
	struct conn_args a = {0};
	int rc = parse(argc, argv, connect, &a);
	if (rc)
		return rc;
	struct isola_error err = {0};
	const char *root = getenv("ISOLA_ROOT"), *run = getenv("ISOLA_RUNROOT");
	struct net_ctx u = {.ctr_fd = -1};
	char id[65];
	struct json_object *rec = NULL, *before = NULL;
	int r = isola_mgr_open(root && *root ? root : ISOLA_DEFAULT_ROOT,
			       run && *run ? run : "/run/isola", &u.m, &err);
	if (r == 0 && !(u.s = isola_netstore_open(u.m.store->root, &err)))
		r = -1;
	if (r == 0 && (r = isola_ctr_resolve(&u.m, a.ctr, id, &err)) == 0) {
		u.id = id;
		rec = change(&u, &a, connect, &before, &err);
		r = rec ? 0 : -1;
	}
	pid_t pid = rec ? running_pid(&u, rec) : 0;
	struct json_object *nets = connect
				       ? mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks")
				       : mgr_obj(mgr_obj(before, "NetworkSettings"), "Networks");
	struct isola_network n;
	if (r == 0 && pid > 0 && isola_network_load(u.s, a.net, &n, &err) == 0 &&
	    relink(&u, pid, n.name, mgr_obj(nets, n.name), connect, &err) < 0 && connect) {
		mgr_net_leave(&u.m, u.id, a.net, rec, NULL);
		mgr_save(&u.m, u.id, rec, true, NULL);
		r = -1;
	} else if (r == 0 && pid > 0 && err.kind && connect) {
		r = -1;
	}
	if (r == 0) {
		mgr_net_hosts_refresh(&u.m, u.id, before);
		mgr_net_hosts_refresh(&u.m, u.id, rec);
	}
	if (u.ctr)
		isola_nl_close(u.ctr);
	if (u.host)
		isola_nl_close(u.host);
	if (u.ctr_fd >= 0)
		close(u.ctr_fd);
	if (u.s)
		isola_netstore_close(u.s);
	json_object_put(rec);
	json_object_put(before);
	free(a.aliases);
	if (u.m.store)
		isola_mgr_close(&u.m);
	if (r < 0)
		fprintf(stderr, "isola: %s\n", err.msg);
	return r < 0 ? 125 : 0;
}
