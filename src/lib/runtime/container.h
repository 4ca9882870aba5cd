/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CONTAINER_H
#define ISOLA_CONTAINER_H

/* The container API (include/isola/container.h) and what only the library sees of it. */
#include <stdbool.h>
#include <sys/types.h>

#include "isola/container.h"
#include "isola/error.h"
#include "runtime/state.h"
#include "spec/config.h"

struct isola_cgroup;

/* A container this process ran and still holds (a foreground `run`). */
struct isola_container {
	struct isola_state state; /* state.dirfd stays open: the lock for finish */
	struct isola_cgroup *cg;
	struct isola_config *config;
	pid_t pid;	    /* the init, a child of the caller */
	int console;	    /* relay_tty: our end of the console socketpair, or -1 */
	isola_warn_fn warn; /* the rt's, for the poststop hooks of finish */
	void *warn_data;
};

/* The config a container was created with (for exec defaults). */
struct isola_config *isola_container_config(const struct isola_state *s, struct isola_error *err);

#endif
