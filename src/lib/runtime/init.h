/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_INIT_H
#define ISOLA_INIT_H

/* The container init's side of create (runs in the cloned child). Internal to runtime/. */
#include <stdbool.h>

#include "runtime/container.h"

struct isola_cgroup;

struct isola_init_ctx {
	const struct isola_config *config;
	const struct isola_create_opts *opts;
	const char *prog; /* the front end's name, for what only stderr can tell */
	const struct isola_cgroup *cg;
	int sync;	  /* the child's end of the socketpair */
	int fifo;	  /* exec.fifo opened O_RDWR, or -1 when started over sync */
	int console_sock; /* connected --console-socket, or -1 */
	bool in_userns;	  /* in a user namespace: mknod not allowed, become root after GO */
	bool new_cgroupns;
	bool join_cgroup;    /* join the cgroup itself (isola_cgroup_enter_self) */
	bool cgroup_v2_done; /* clone3 put us in the v2 part already */
	bool wait_go; /* the parent has work before we go on (id maps, cgroup, hooks' state) */
	const int *idmap_fds; /* per mount, premade idmapped trees (or NULL) */
};

/* Never returns: execs the container process or exits non-zero. */
__attribute__((noreturn)) void isola_init_main(struct isola_init_ctx *x);

#endif
