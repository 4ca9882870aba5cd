/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CONTAINER_H
#define ISOLA_CONTAINER_H

/* Container lifecycle: what isola-runtime's verbs (and later the manager) call. */
#include <stdbool.h>
#include <sys/types.h>

#include "isola/error.h"
#include "runtime/state.h"
#include "spec/config.h"

struct isola_process;
struct isola_cgroup;

/* Options every verb shares (runc's global flags). */
struct isola_rt {
	const char *root;    /* state root, default /run/isola-runtime */
	bool systemd_cgroup; /* --systemd-cgroup */
	bool rootless;       /* --rootless */
	const char *prog;    /* names the init's messages once started; NULL: "isola" */
	/* failing poststop (and before 1.3, poststart) hooks, a non-empty cgroup; may be NULL */
	isola_warn_fn warn;
	void *warn_data;
};

struct isola_create_opts {
	const char *id;
	const char *bundle; /* absolute */
	const char *pid_file;
	const char *console_socket;
	int console_fd; /* instead of console_socket: a connected socket, or -1 */
	bool no_pivot;
	bool no_new_keyring;
	unsigned int preserve_fds;
	bool start; /* run: start right away instead of waiting for `start` */
};

/*
 * Create the container (status "created"), or with opts->start run it. On
 * failure nothing is left: no state dir, cgroup, mount or process.
 * With start, *init_pid receives the init's pid (the caller may wait for it).
 */
int isola_container_create(const struct isola_rt *rt, const struct isola_create_opts *opts,
			   pid_t *init_pid, struct isola_error *err);

/*
 * A container this process ran and still holds (a foreground `run`): its
 * state, cgroup and config stay in memory, so the delete after the wait
 * neither reads them back nor parses anything again, as runc's run does.
 */
struct isola_container {
	struct isola_state state; /* state.dirfd stays open: the lock for finish */
	struct isola_cgroup *cg;
	struct isola_config *config;
	pid_t pid; /* the init, a child of the caller */
	isola_warn_fn warn; /* the rt's, for the poststop hooks of finish */
	void *warn_data;
};
/* create + start (opts->start is implied); NULL with err on failure, nothing left behind. */
struct isola_container *isola_container_run(const struct isola_rt *rt,
					    const struct isola_create_opts *opts,
					    struct isola_error *err);
/*
 * After the caller reaped c->pid: what `delete --force` does (leftover
 * processes killed, cgroup removed, poststop hooks, state dir removed),
 * unless another process deleted the container meanwhile. Frees c.
 */
int isola_container_finish(struct isola_container *c, struct isola_error *err);
/* Free c and leave the container as it is (`run --keep`: stopped, until `delete`). */
void isola_container_release(struct isola_container *c);

int isola_container_start(const struct isola_rt *rt, const char *id, struct isola_error *err);
int isola_container_kill(const struct isola_rt *rt, const char *id, int sig, bool all,
			 struct isola_error *err);
int isola_container_delete(const struct isola_rt *rt, const char *id, bool force,
			   struct isola_error *err);
/* Wait for the init (a child of the caller after create with start); returns the exit status. */
int isola_container_wait(pid_t pid);

struct isola_exec_opts {
	const char *id;
	struct isola_process *process; /* parsed process (args, env, user, caps...) */
	const char *pid_file;
	const char *console_socket;
	int console_fd; /* instead of console_socket: a connected socket, or -1 */
	bool detach;    /* don't wait: *pid gets the process (the caller's child) */
	unsigned int preserve_fds;
	char **cgroups;     /* --cgroup [CTRL:]PATH sub-cgroups to run in, NULL-terminated, or NULL */
	bool ignore_paused; /* --ignore-paused: exec into a paused container (the process starts frozen) */
	pid_t pid;      /* out */
};
/* Run a process in a running container; without detach returns its exit status. */
int isola_container_exec(const struct isola_rt *rt, struct isola_exec_opts *opts,
			 struct isola_error *err);
/* The config a container was created with (for exec defaults). */
struct isola_config *isola_container_config(const struct isola_state *s, struct isola_error *err);

#endif
