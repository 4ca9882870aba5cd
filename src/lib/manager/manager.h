/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MANAGER_H
#define ISOLA_MANAGER_H

/*
 * Named containers of the `isola` manager.
 *
 * Persistent (the store, /var/lib/isola):
 *   containers.lock                  flock: every change of a record or a name
 *   containers/<id>/container.json   the record, docker's inspect shape (atomic writes)
 *   containers/<id>/bundle/          the OCI bundle: config.json, rootfs/ (mount point)
 *   containers/<id>/<id>-json.log    the logs, docker's json-file lines
 *   containers/<id>/rootfs.json ...  the root filesystem (storage/)
 * Volatile (the run root, /run/isola; gone after a reboot):
 *   runtime/<id>/                    libisola's runtime state (isola-runtime's --root)
 *   m/<id16>.sock                    the monitor's attach socket
 *
 * `ps` and `inspect` read the record and check liveness themselves (the
 * runtime state and the pids), so a killed monitor or a reboot never leaves a
 * container shown as running when it is not.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/store.h"
#include "isola/error.h"
#include "runtime/container.h"

struct json_object;

struct isola_mgr {
	struct isola_store *store;
	char *run;		  /* run root */
	char *rt_root;		  /* <run>/runtime */
	struct isola_rt rt;	  /* rt.root = rt_root */
	const char *init_path;	  /* isola-init for --init, set by the caller */
	const char *monitor_path; /* isola-monitor to exec; NULL: the monitor runs in a fork */
	const char *net_path;	  /* isola-net (network set-up), set by the caller */
	/* --userns=auto takes its ranges from these (NULL: /etc/subuid, /etc/subgid) */
	const char *subuid_path, *subgid_path;
	const char *storage_driver; /* a new container's root: "overlay", "dir"; NULL: the best */
};

int isola_mgr_open(const char *root, const char *run, struct isola_mgr *m, struct isola_error *err);
void isola_mgr_close(struct isola_mgr *m);
/* Exclusive flock of containers.lock; returns the fd to close (unlock). */
int isola_mgr_lock(struct isola_mgr *m, struct isola_error *err);

/* What `isola create`/`run` were asked for (docker's flags). */
struct isola_ctr_opts {
	const char *image;
	const char *name; /* NULL: a generated adjective_noun */
	char **cmd;	  /* NULL: the image's Cmd */
	char **entrypoint;
	bool entrypoint_set; /* --entrypoint given ("" clears the image's) */
	char **env;	     /* K=V */
	char **labels;	     /* K=V */
	char **binds;	     /* SRC:DST[:ro|rw] */
	char **tmpfs;	     /* DST[:OPTS] */
	char **cap_add, **cap_drop;
	char **devices; /* HOST[:CONTAINER[:PERMS]] */
	char **ulimits; /* NAME=SOFT[:HARD] */
	char **security_opt;
	const char *workdir, *user, *hostname;
	char **networks; /* --network, in order (eth0 first); NULL: the default network */
	const char *ip, *ip6, *mac; /* for the first network */
	char **aliases, **publish, **dns, **dns_search, **dns_options, **extra_hosts;
	bool publish_all;
	const char *stop_signal;
	int stop_timeout;    /* -1: default 10 */
	const char *restart; /* no|always|on-failure[:N]|unless-stopped */
	const char *log_max_size;
	int log_max_file;
	bool tty, interactive, auto_remove, read_only, privileged, init;
	int64_t memory, memory_swap, pids_limit, nano_cpus, cpu_shares;
	const char *cpuset_cpus;
	/* NULL or "host": the host's ids; "auto[:size=N]": N (65536) ids of the subuid/subgid
	 * ranges no other container has; uidmap/gidmap: CONTAINER:HOST:SIZE, podman's */
	const char *userns;
	char **uidmap, **gidmap;
	unsigned int console_rows, console_cols; /* -t: the caller's terminal size, or 0 */
};

/*
 * Create a container: the record (under the lock, the name checked), its
 * root filesystem and its OCI bundle. On failure nothing is left.
 * id_out gets the 64-hex id.
 */
int isola_ctr_create(struct isola_mgr *m, const struct isola_ctr_opts *o, char id_out[65],
		     struct isola_error *err);
/* Find a container by name, full id or unique id prefix; id_out gets the id. */
int isola_ctr_resolve(struct isola_mgr *m, const char *ref, char id_out[65],
		      struct isola_error *err);
struct json_object *isola_ctr_load(struct isola_mgr *m, const char *id, struct isola_error *err);
int isola_ctr_save(struct isola_mgr *m, const char *id, struct json_object *rec,
		   struct isola_error *err);
/* Ids of every container, NULL-terminated, sorted by creation time. */
int isola_ctr_list(struct isola_mgr *m, char ***ids, struct isola_error *err);
/* Each record in directory order, read once; rec is valid during the call only.
 * fn returns -1 to stop (out of memory). */
typedef int (*isola_ctr_fn)(const char *id, struct json_object *rec, void *data);
int isola_ctr_foreach(struct isola_mgr *m, isola_ctr_fn fn, void *data, struct isola_error *err);

/* The live status: created, running, paused, restarting, exited, dead. */
const char *isola_ctr_status(struct isola_mgr *m, struct json_object *rec);
/* The init's host pid while running, else 0. */
pid_t isola_ctr_pid(struct isola_mgr *m, struct json_object *rec);
/* Bring State up to date with the truth (a dead monitor, a reboot); saves when changed. */
int isola_ctr_refresh(struct isola_mgr *m, const char *id, struct json_object *rec,
		      struct isola_error *err);

/* Start through a new monitor; attach_fd >= 0 is a first attached client (run -a). */
int isola_ctr_start(struct isola_mgr *m, const char *id, int attach_fd, struct isola_error *err);
/* StopSignal (or sig), wait timeout seconds, then SIGKILL; no restart afterwards. */
int isola_ctr_stop(struct isola_mgr *m, const char *id, int sig, int timeout,
		   struct isola_error *err);
int isola_ctr_kill(struct isola_mgr *m, const char *id, int sig, struct isola_error *err);
int isola_ctr_pause(struct isola_mgr *m, const char *id, bool pause, struct isola_error *err);
/* Remove a stopped container (force: kill it first); the name is free again. volumes:
 * its anonymous volumes go too (rm -v, --rm). */
int isola_ctr_remove(struct isola_mgr *m, const char *id, bool force, bool volumes,
		     struct isola_error *err);
/* Wait until the container is not running; returns its exit code. */
int isola_ctr_wait(struct isola_mgr *m, const char *id, struct isola_error *err);
int isola_ctr_rename(struct isola_mgr *m, const char *id, const char *name,
		     struct isola_error *err);

struct isola_ctr_exec {
	char **args;
	char **env;
	const char *user, *workdir;
	bool tty, detach; /* tty without detach: the pty relayed to the caller's stdin/stdout */
	pid_t pid;	  /* out */
};
/* Returns the exit status (or 0 with detach); 126/127 conventions are the CLI's. */
int isola_ctr_exec(struct isola_mgr *m, const char *id, struct isola_ctr_exec *x,
		   struct isola_error *err);

/*
 * Finish a container whose init has exited (or never started): delete the
 * runtime container and record the end (status, time). Idempotent: the
 * monitor calls it, and so do stop/rm when the monitor is gone.
 */
int isola_ctr_teardown(struct isola_mgr *m, const char *id, int exit_code, struct isola_error *err);

/* The readable configuration (config.c): "Section.Key = value" lines, or one key's value. */
char *isola_ctr_config_get(struct isola_mgr *m, const char *id, const char *key,
			   struct isola_error *err);
/* Set an existing key while the container is stopped (value: JSON, else a string). */
int isola_ctr_config_set(struct isola_mgr *m, const char *id, const char *key, const char *value,
			 struct isola_error *err);

/*
 * Files out of and into a container (copy.c), as tar streams on fd, read or
 * written by a child chrooted into the container's tree. tar_out: path
 * inside, entries named as/...; tar_in: extract below dir inside, renaming a
 * top entry from -> to. The caller must read/write the other end meanwhile.
 */
int isola_ctr_tar_out(struct isola_mgr *m, const char *id, const char *path, const char *as, int fd,
		      struct isola_error *err);
int isola_ctr_tar_in(struct isola_mgr *m, const char *id, const char *dir, const char *from,
		     const char *to, int fd, struct isola_error *err);
/* The same tar helpers on the host side: cwd-relative path, never following symlinks. */
int isola_tar_write(const char *path, const char *as, int out, struct isola_error *err);
int isola_tar_extract(int in, const char *from, const char *to, struct isola_error *err);

/* The container's changes as a new image (commit.c); name may be NULL. */
int isola_ctr_commit(struct isola_mgr *m, const char *id, const char *name, const char *comment,
		     char image_out[ISOLA_DIGEST_MAX], struct isola_error *err);

/* The processes of a running container (its cgroup's), and runc's stats object. */
int isola_ctr_pids(struct isola_mgr *m, const char *id, pid_t **pids, size_t *n,
		   struct isola_error *err);
struct json_object *isola_ctr_stats(struct isola_mgr *m, const char *id, struct isola_error *err);

/* Named volumes (volume.c), docker's local driver. */
int isola_volume_create(struct isola_mgr *m, const char *name, char **labels, char out[65],
			struct isola_error *err);
struct json_object *isola_volume_load(struct isola_mgr *m, const char *name,
				      struct isola_error *err);
/* Refuses a volume a container uses, unless force. */
int isola_volume_remove(struct isola_mgr *m, const char *name, bool force, struct isola_error *err);
int isola_volume_list(struct isola_mgr *m, char ***names, struct isola_error *err);
/* Unused volumes: anonymous ones, or all; *removed lists them. */
int isola_volume_prune(struct isola_mgr *m, bool all, char ***removed, struct isola_error *err);

/* Generated names (names.c). */
void isola_ctr_random_name(char *buf, size_t size);
/* [a-zA-Z0-9][a-zA-Z0-9_.-]+, as docker. */
int isola_ctr_name_check(const char *name, struct isola_error *err);

/* Docker's signal names and numbers ("TERM", "SIGTERM", "15"); -1 when unknown. */
int isola_signal_parse(const char *s);
/* "12m", "1g", "512" -> bytes; -1 on junk. */
int64_t isola_parse_bytes(const char *s);

#endif
