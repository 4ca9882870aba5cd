/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MONITOR_INTERNAL_H
#define ISOLA_MONITOR_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor/monitor.h"

#define MON_MAX_CLIENTS 16

struct isola_mgr;

struct mon {
	struct isola_mgr *m;
	char id[65];
	int report_fd; /* to `isola start` until the first start; then -1 */
	int listen;    /* attach socket */
	int sigfd;     /* SIGCHLD, SIGTERM, SIGINT, SIGHUP */
	int clients[MON_MAX_CLIENTS];
	/* one run of the container */
	pid_t pid;
	int out, err; /* stdout/stderr pipes, or out = the pty master */
	int in;	      /* stdin pipe or the pty master (dup), or -1 */
	bool tty;
	struct isola_log log;
	int *ports; /* the published host ports, held while the container runs */
	size_t nports;
};

/* Runs until the restart policy says stop; returns the last exit code, -1 before any start. */
int mon_run_loop(struct mon *mo, struct isola_error *err);
struct json_object;
/* net.c: bind and hold the published ports (NetworkSettings.Ports recorded). */
int mon_net_ports(struct mon *mo, struct json_object *rec, struct isola_error *err);
void mon_net_release(struct mon *mo);
/* In the helper: a new netns set up by isola-net, entered; *host_ns kept for
 * mon_net_abort (undo when the create fails). */
int mon_net_enter(struct mon *mo, struct json_object *rec, int *host_ns, struct isola_error *err);
void mon_net_abort(struct mon *mo, int host_ns);
/* After the container died: NAT rules gone, peers' hosts files updated, ports freed. */
void mon_net_exited(struct mon *mo);

/* Tell clients the exit code, remove the container with AutoRemove, close everything. */
void mon_finish(struct mon *mo, int code);

#endif
