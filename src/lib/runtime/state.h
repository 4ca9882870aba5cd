/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_STATE_H
#define ISOLA_STATE_H

/*
 * A container's state directory: <root>/<id>/ holds state.json (written
 * atomically), cgroup (isola_cgroup_save's text), config.json (the config
 * it was created with, for exec) and, between create and start, exec.fifo. The directory's
 * existence reserves the id; flock on it serializes the verbs.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "isola/error.h"

struct json_object;

enum isola_status {
	ISOLA_STATUS_CREATING,
	ISOLA_STATUS_CREATED,
	ISOLA_STATUS_RUNNING,
	ISOLA_STATUS_PAUSED,
	ISOLA_STATUS_STOPPED,
};

struct isola_state {
	char *id;
	char *dir; /* <root>/<id> */
	int dirfd; /* an open fd of dir (create keeps one for its writes), or -1 */
	pid_t pid; /* 0 until the init exists */
	unsigned long long start_time; /* /proc/PID/stat starttime, guards against pid reuse */
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	uid_t owner;
	char *cgroup; /* isola_cgroup_save() output */
	bool systemd_cgroup;
	bool rootless;
	bool poststart_hooks; /* start and delete read the config only for these */
	bool poststop_hooks;
	struct json_object *annotations; /* object, owned */
};

const char *isola_status_name(enum isola_status s);
/* Validate a container id (runc's rules: [\w+-\.]+, not "." or ".."). */
int isola_id_check(const char *id, struct isola_error *err);
/* mkdir <root>/<id>; an existing id is ISOLA_ERR_EXISTS. */
int isola_state_reserve(const char *root, const char *id, char **dir, struct isola_error *err);
/* state.json, written once the init is set up (status "created"). */
int isola_state_save(const struct isola_state *s, struct isola_error *err);
/* The "cgroup" file, written before the init exists, so delete can always clean up. */
int isola_state_save_cgroup(const struct isola_state *s, struct isola_error *err);
/* "container \"ID\" does not exist" (ISOLA_ERR_NOT_FOUND) when missing. */
struct isola_state *isola_state_load(const char *root, const char *id, struct isola_error *err);
void isola_state_free(struct isola_state *s);
/* Free what s holds (and close dirfd), leaving it empty; s itself is not freed. */
void isola_state_clear(struct isola_state *s);
/* Take an exclusive lock on the state dir; returns the lock fd. */
int isola_state_lock(const struct isola_state *s, struct isola_error *err);
/*
 * Lock the state dir through s->dirfd, the fd its creator kept open (closing
 * it unlocks). 1: locked and still there; 0: removed meanwhile (a `delete`
 * ran), so nothing under its paths, cgroup included, is ours any more; -1.
 */
int isola_state_lock_own(const struct isola_state *s, struct isola_error *err);
/* Current status from the pid, the exec fifo and the cgroup freezer. */
enum isola_status isola_state_status(const struct isola_state *s);
/* True when s->pid is alive and is still the process we started. */
bool isola_state_pid_alive(const struct isola_state *s);
/* The spec's state JSON (ociVersion, id, status, pid, bundle, annotations + rootfs, created,
 * owner). */
char *isola_state_json(const struct isola_state *s, enum isola_status status, int pretty);
/* Remove the state dir and everything in it; dirfd, when >= 0, is an open fd of dir. */
int isola_state_remove(int dirfd, const char *dir, struct isola_error *err);
unsigned long long isola_pid_start_time(pid_t pid);
/* Write pid to path atomically (engines read --pid-file as soon as it appears). */
int isola_write_pid_file(const char *path, pid_t pid, struct isola_error *err);
/* Ids of every container under root, sorted; *ids is a NULL-terminated malloc'd vector. */
int isola_state_list(const char *root, char ***ids, struct isola_error *err);

#endif
