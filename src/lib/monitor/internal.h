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
	int report_fd;	 /* to `isola start` until the first start; then -1 */
	int listen;	 /* attach socket */
	int sigfd;	 /* SIGCHLD, SIGTERM, SIGINT, SIGHUP */
	int clients[MON_MAX_CLIENTS];
	/* one run of the container */
	pid_t pid;
	int out, err;	/* stdout/stderr pipes, or out = the pty master */
	int in;		/* stdin pipe or the pty master (dup), or -1 */
	bool tty;
	struct isola_log log;
};

/* Runs until the restart policy says stop; returns the last exit code, -1 before any start. */
int mon_run_loop(struct mon *mo, struct isola_error *err);
/* Tell clients the exit code, remove the container with AutoRemove, close everything. */
void mon_finish(struct mon *mo, int code);

#endif
