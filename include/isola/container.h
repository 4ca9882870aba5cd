/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PUBLIC_CONTAINER_H
#define ISOLA_PUBLIC_CONTAINER_H

/*
 * libisola's container API: what a front end (isola-runtime's verbs, the
 * manager) calls to create, run, control and observe OCI containers. Every
 * call that takes an id loads the container's state and applies the status
 * rules itself ("container not running", "container ID is paused"...), so a
 * front end only parses options and prints.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "isola/error.h"

struct isola_process;	/* a parsed OCI process (the library's spec module) */
struct isola_container; /* a container this process ran and still holds */
struct json_object;

/* Options every verb shares (runc's global flags). */
struct isola_rt {
	const char *root;    /* state root, default /run/isola-runtime */
	bool systemd_cgroup; /* --systemd-cgroup */
	bool rootless;	     /* --rootless */
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
	/*
	 * isola_container_run only. relay_tty: without console_socket and
	 * console_fd, keep the pty master of a terminal container for
	 * isola_container_supervise to relay (a foreground `run`). subreaper:
	 * the container's orphans (without a pid namespace of its own) come to
	 * the caller instead of the host's init.
	 */
	bool relay_tty;
	bool subreaper;
};

/*
 * Create the container (status "created"), or with opts->start run it. On
 * failure nothing is left: no state dir, cgroup, mount or process.
 * With start, *init_pid receives the init's pid (the caller may wait for it).
 */
int isola_container_create(const struct isola_rt *rt, const struct isola_create_opts *opts,
			   pid_t *init_pid, struct isola_error *err);

/*
 * create + start (opts->start is implied), for a caller that waits for the
 * container (isola_container_supervise) and deletes it (finish): its state,
 * cgroup and config stay in memory, so the delete neither reads them back nor
 * parses anything again. NULL with err on failure, nothing left behind.
 */
struct isola_container *isola_container_run(const struct isola_rt *rt,
					    const struct isola_create_opts *opts,
					    struct isola_error *err);
/* The init's pid (a child of the caller). */
pid_t isola_container_pid(const struct isola_container *c);
/*
 * After the init was reaped (isola_container_supervise): what `delete
 * --force` does (leftover processes killed, cgroup removed, poststop hooks,
 * state dir removed), unless another process deleted the container
 * meanwhile; then the children that came to the caller are reaped. Frees c.
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
	bool detach;	/* don't wait: *pid gets the process (the caller's child) */
	/*
	 * A terminal process in the foreground without console_socket and
	 * console_fd: the library takes the pty master itself, relays it to the
	 * caller's stdin and stdout (isola_tty_relay), then waits.
	 */
	bool relay_tty;
	unsigned int preserve_fds;
	char **cgroups; /* --cgroup [CTRL:]PATH sub-cgroups to run in, NULL-terminated, or NULL */
	bool ignore_paused; /* --ignore-paused: exec into a paused container (the process starts
			       frozen) */
	pid_t pid;	    /* out */
};
/* Run a process in a running container; without detach returns its exit status. */
int isola_container_exec(const struct isola_rt *rt, struct isola_exec_opts *opts,
			 struct isola_error *err);

/*
 * runc exec's command line over the container's process (the config it was
 * created with): file (--process) replaces it whole; otherwise args and
 * the other fields change it. Vectors are NULL-terminated or NULL.
 */
struct isola_exec_process {
	const char *file;
	char **args;
	bool tty;
	const char *cwd;
	char **env;	  /* K=V: replaces K or is appended */
	const char *user; /* UID[:GID], numbers only */
	char **gids;
	char **caps; /* added to the bounding, effective and permitted sets */
	bool no_new_privs;
	const char *apparmor;
	const char *label;
};
/* isola_container_exec of that process (opts->process is set and reset here). */
int isola_container_exec_process(const struct isola_rt *rt, struct isola_exec_opts *opts,
				 const struct isola_exec_process *p, struct isola_error *err);

/* Container control: each loads the state and requires a live status. */
int isola_container_pause(const struct isola_rt *rt, const char *id, struct isola_error *err);
int isola_container_resume(const struct isola_rt *rt, const char *id, struct isola_error *err);
/* Apply linux.resources (a JSON object, as `update --resources` reads it). */
int isola_container_update(const struct isola_rt *rt, const char *id, struct json_object *resources,
			   struct isola_error *err);
/* Pids in the container's cgroup; a stopped container has none left or some (not an error). */
int isola_container_pids(const struct isola_rt *rt, const char *id, pid_t **pids, size_t *n,
			 struct isola_error *err);

/*
 * `events`: each event as one line of JSON ({"type":"stats"|"oom","id":...,
 * "data":...}), handed to emit. With stats_once, one stats event; otherwise
 * OOM events and stats every interval_ms until the container stops.
 */
typedef void (*isola_event_fn)(void *data, const char *json);
struct isola_events_opts {
	bool stats_once;
	long interval_ms;
	isola_event_fn emit;
	void *data;
};
int isola_container_events(const struct isola_rt *rt, const char *id,
			   const struct isola_events_opts *o, struct isola_error *err);

/* The spec's state JSON of one container (`state`); malloc'd. */
char *isola_container_state_json(const struct isola_rt *rt, const char *id, bool pretty,
				 struct isola_error *err);

/* One row of `list`: every container under rt->root whose state is complete. */
struct isola_container_info {
	char *id;
	pid_t pid; /* 0 once stopped */
	const char *status;
	char *bundle;
	char *created;
	uid_t owner;
	char *json; /* the state JSON, compact, when asked for; else NULL */
};
int isola_container_list(const struct isola_rt *rt, bool json, struct isola_container_info **out,
			 size_t *n, struct isola_error *err);
void isola_container_list_free(struct isola_container_info *v, size_t n);

#endif
