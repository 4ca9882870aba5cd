/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "manager/internal.h"
#include "monitor/monitor.h"
#include "runtime/state.h"
#include "storage/storage.h"

/*
 * What the verbs do to a container. The truth about a running container is
 * the runtime state and its pids, not the record: a monitor killed with
 * SIGKILL, or a reboot that emptied the run root, leave a record that still
 * says "running", and every verb here checks before it trusts it.
 */

int mgr_update_state(struct isola_mgr *m, const char *id, mgr_state_fn fn, void *data,
		     struct isola_error *err)
{
	cleanup_close int lock = isola_mgr_lock(m, err);
	if (lock < 0)
		return -1;
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return -1;
	fn(mgr_obj(rec, "State"), rec, data);
	int r = mgr_save(m, id, rec, false, err);
	json_object_put(rec);
	return r;
}

bool mgr_pid_alive(pid_t pid, unsigned long long start)
{
	if (pid <= 0)
		return false;
	unsigned long long now = isola_pid_start_time(pid); /* 0: gone, or a zombie */
	return now != 0 && (start == 0 || now == start);
}

static bool monitor_alive(struct json_object *rec)
{
	struct json_object *st = mgr_obj(rec, "State");
	return mgr_pid_alive((pid_t)mgr_int(st, "MonitorPid", 0),
			     (unsigned long long)mgr_int(st, "MonitorStart", 0));
}

/* The runtime's view: running, paused, or stopped (also when it has no state). */
static enum isola_status runtime_status(struct isola_mgr *m, const char *id, pid_t *pid)
{
	struct isola_state *s = isola_state_load(m->rt_root, id, NULL);
	enum isola_status st = s ? isola_state_status(s) : ISOLA_STATUS_STOPPED;
	if (pid)
		*pid = s && (st == ISOLA_STATUS_RUNNING || st == ISOLA_STATUS_PAUSED) ? s->pid : 0;
	isola_state_free(s);
	return st;
}

const char *isola_ctr_status(struct isola_mgr *m, struct json_object *rec)
{
	const char *recorded = mgr_str(mgr_obj(rec, "State"), "Status", "created");
	const char *id = mgr_str(rec, "Id", "");
	if (strcmp(recorded, "running") && strcmp(recorded, "paused") &&
	    strcmp(recorded, "restarting"))
		return recorded;
	/*
	 * The monitor is the init's parent and records its exit: while it lives,
	 * running and paused are true (one read of /proc, where the runtime's view
	 * costs its state, its cgroup file and the freezer). Without it (SIGKILLed,
	 * or a reboot) the runtime decides.
	 */
	if (strcmp(recorded, "restarting") && monitor_alive(rec))
		return recorded;
	enum isola_status st = runtime_status(m, id, NULL);
	if (st == ISOLA_STATUS_RUNNING)
		return "running";
	if (st == ISOLA_STATUS_PAUSED)
		return "paused";
	/* Between runs (restarting) or about to record the exit: the monitor knows. */
	return monitor_alive(rec) ? recorded : "exited";
}

pid_t isola_ctr_pid(struct isola_mgr *m, struct json_object *rec)
{
	pid_t pid = 0;
	runtime_status(m, mgr_str(rec, "Id", ""), &pid);
	return pid;
}

void mgr_state_exited(struct json_object *st, struct json_object *rec, void *data)
{
	char now[64];
	mgr_now(now, sizeof(now));
	json_object_object_add(st, "Status", json_object_new_string("exited"));
	json_object_object_add(st, "Running", json_object_new_boolean(0));
	json_object_object_add(st, "Paused", json_object_new_boolean(0));
	json_object_object_add(st, "Restarting", json_object_new_boolean(0));
	json_object_object_add(st, "Pid", json_object_new_int(0));
	json_object_object_add(st, "ExitCode", json_object_new_int(*(int *)data));
	json_object_object_add(st, "FinishedAt", json_object_new_string(now));
}

int isola_ctr_teardown(struct isola_mgr *m, const char *id, int exit_code, struct isola_error *err)
{
	struct isola_error derr = {0};
	if (isola_container_delete(&m->rt, id, true, &derr) < 0 && derr.kind != ISOLA_ERR_NOT_FOUND)
		return isola_err(err, derr.kind, derr.errnum, "%s", derr.msg);
	char sock[256];
	mgr_sock_path(m, id, sock, sizeof(sock));
	unlink(sock);
	return mgr_update_state(m, id, mgr_state_exited, &exit_code, err);
}

int isola_ctr_refresh(struct isola_mgr *m, const char *id, struct json_object *rec,
		      struct isola_error *err)
{
	const char *recorded = mgr_str(mgr_obj(rec, "State"), "Status", "created");
	if (strcmp(isola_ctr_status(m, rec), "exited") || !strcmp(recorded, "exited"))
		return 0;
	/* Recorded running, the monitor is gone and so is the init: its exit code is lost. */
	int code = (int)mgr_int(mgr_obj(rec, "State"), "ExitCode", 0);
	return isola_ctr_teardown(m, id, code ? code : 255, err);
}

static bool is_live(const char *status)
{
	return !strcmp(status, "running") || !strcmp(status, "paused") ||
	       !strcmp(status, "restarting");
}

int isola_ctr_start(struct isola_mgr *m, const char *id, int attach_fd, struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return -1;
	int r = isola_ctr_refresh(m, id, rec, err);
	bool live = is_live(isola_ctr_status(m, rec)) && monitor_alive(rec);
	json_object_put(rec);
	if (r < 0)
		return -1;
	if (live)
		return 0; /* docker: starting a running container does nothing */
	return isola_monitor_spawn(m, id, attach_fd, err);
}

int isola_ctr_kill(struct isola_mgr *m, const char *id, int sig, struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return -1;
	int r = isola_ctr_pid(m, rec) > 0
		    ? isola_container_kill(&m->rt, id, sig, false, err)
		    : isola_err(err, ISOLA_ERR_STATE, 0, "container %s is not running",
				mgr_str(rec, "Name", "/") + 1);
	if (r == 0)
		mgr_event(m, id, rec, "kill");
	json_object_put(rec);
	return r;
}

static void set_stop_requested(struct json_object *st, struct json_object *rec, void *data)
{
	json_object_object_add(st, "StopRequested", json_object_new_boolean(1));
}

/* Poll until cond(m, id) holds or ms pass. */
static bool wait_until(struct isola_mgr *m, const char *id, long ms,
		       bool (*cond)(struct isola_mgr *, const char *))
{
	long long until = isola_now_ms() + ms;
	for (;;) {
		if (cond(m, id))
			return true;
		if (isola_now_ms() >= until)
			return false;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static bool init_gone(struct isola_mgr *m, const char *id)
{
	pid_t pid = 0;
	runtime_status(m, id, &pid);
	return pid == 0;
}

static bool settled(struct isola_mgr *m, const char *id)
{
	struct json_object *rec = isola_ctr_load(m, id, NULL);
	bool r =
	    !rec || !is_live(mgr_str(mgr_obj(rec, "State"), "Status", "")) || !monitor_alive(rec);
	json_object_put(rec);
	return r;
}

/* The monitor has finished too (its network teardown, its last writes). */
static bool monitor_gone(struct isola_mgr *m, const char *id)
{
	struct json_object *rec = isola_ctr_load(m, id, NULL);
	bool r = !rec || !monitor_alive(rec);
	json_object_put(rec);
	return r;
}

/* After the init is gone: the monitor records the end; without one, we do. */
static int await_end(struct isola_mgr *m, const char *id, int code, struct isola_error *err)
{
	wait_until(m, id, 10000, settled);
	struct json_object *rec = isola_ctr_load(m, id, NULL);
	if (!rec)
		return 0; /* removed by its monitor (--rm) */
	bool recorded = !is_live(mgr_str(mgr_obj(rec, "State"), "Status", ""));
	json_object_put(rec);
	return recorded ? 0 : isola_ctr_teardown(m, id, code, err);
}

int isola_ctr_stop(struct isola_mgr *m, const char *id, int sig, int timeout,
		   struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return -1;
	struct json_object *cfg = mgr_obj(rec, "Config");
	if (sig <= 0)
		sig = isola_signal_parse(mgr_str(cfg, "StopSignal", "SIGTERM"));
	if (sig <= 0)
		sig = SIGTERM;
	if (timeout < 0)
		timeout = (int)mgr_int(cfg, "StopTimeout", 10);
	bool live = is_live(isola_ctr_status(m, rec));
	json_object_put(rec);
	if (mgr_update_state(m, id, set_stop_requested, NULL, err) < 0)
		return -1;
	if (!live)
		return 0;
	isola_container_kill(&m->rt, id, sig, false, NULL);
	if (!wait_until(m, id, timeout * 1000L, init_gone)) {
		isola_container_kill(&m->rt, id, SIGKILL, true, NULL);
		wait_until(m, id, 10000, init_gone);
	}
	int r = await_end(m, id, 128 + SIGKILL, err);
	if (r == 0)
		mgr_event(m, id, NULL, "stop");
	return r;
}

static void set_paused(struct json_object *st, struct json_object *rec, void *data)
{
	bool paused = *(bool *)data;
	json_object_object_add(st, "Status", json_object_new_string(paused ? "paused" : "running"));
	json_object_object_add(st, "Paused", json_object_new_boolean(paused));
}

int isola_ctr_pause(struct isola_mgr *m, const char *id, bool pause, struct isola_error *err)
{
	struct isola_state *s = isola_state_load(m->rt_root, id, NULL);
	enum isola_status st = s ? isola_state_status(s) : ISOLA_STATUS_STOPPED;
	int r = -1;
	if (pause && st != ISOLA_STATUS_RUNNING)
		isola_err(err, ISOLA_ERR_STATE, 0, "container %.12s is not running", id);
	else if (!pause && st != ISOLA_STATUS_PAUSED)
		isola_err(err, ISOLA_ERR_STATE, 0, "container %.12s is not paused", id);
	else {
		struct isola_cgroup *cg = isola_cgroup_load(s->cgroup, err);
		r = cg ? isola_cgroup_freeze(cg, pause, err) : -1;
		isola_cgroup_free(cg);
	}
	isola_state_free(s);
	if (r == 0) {
		mgr_update_state(m, id, set_paused, &pause, NULL);
		mgr_event(m, id, NULL, pause ? "pause" : "unpause");
	}
	return r;
}

static int remove_it(struct isola_mgr *m, const char *id, const char *name, bool live, bool force,
		     char *trash, size_t tsize, struct isola_error *err);

/* Published ports whose NAT rules a killed monitor may have left. */
static bool has_ports(struct json_object *rec)
{
	struct json_object *p = mgr_obj(mgr_obj(rec, "NetworkSettings"), "Ports");
	return p && json_object_object_length(p) > 0;
}

int isola_ctr_remove(struct isola_mgr *m, const char *id, bool force, bool volumes,
		     struct isola_error *err)
{
	return mgr_ctr_remove(m, id, force, volumes, NULL, 0, err);
}

int mgr_ctr_remove(struct isola_mgr *m, const char *id, bool force, bool volumes, char *trash,
		   size_t tsize, struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return -1;
	struct json_object *mounts = NULL;
	if (volumes)
		json_object_deep_copy(mgr_obj(rec, "Mounts"), &mounts, NULL);
	char name[256];
	snprintf(name, sizeof(name), "%s", mgr_str(rec, "Name", "/") + 1);
	/* The monitor removing its own --rm container: it is not live any more,
	 * and the monitor has dropped its NAT already. */
	bool self = (pid_t)mgr_int(mgr_obj(rec, "State"), "MonitorPid", 0) == getpid();
	bool live = is_live(isola_ctr_status(m, rec)) && !self;
	bool ports = has_ports(rec) && !self;
	json_object_put(rec);
	int r = remove_it(m, id, name, live, force, trash, tsize, err);
	if (r == 0 && ports)
		mgr_net_helper(m, "down", id, -1, NULL);
	if (r == 0)
		mgr_net_release(m, id);
	if (r == 0 && mounts)
		mgr_volumes_drop_anonymous(m, mounts);
	json_object_put(mounts);
	return r;
}

static int remove_it(struct isola_mgr *m, const char *id, const char *name, bool live, bool force,
		     char *trash, size_t tsize, struct isola_error *err)
{
	if (live && !force)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "cannot remove container \"/%s\": container is running: stop the "
				 "container before removing or force remove",
				 name);
	if (live) {
		mgr_update_state(m, id, set_stop_requested, NULL, NULL);
		isola_container_kill(&m->rt, id, SIGKILL, true, NULL);
		wait_until(m, id, 10000, init_gone);
		wait_until(m, id, 10000, settled);
		wait_until(m, id, 5000, monitor_gone);
	}
	struct isola_error derr = {0};
	if (isola_container_delete(&m->rt, id, true, &derr) < 0 && derr.kind != ISOLA_ERR_NOT_FOUND)
		return isola_err(err, derr.kind, derr.errnum, "%s", derr.msg);
	cleanup_close int lock = isola_mgr_lock(m, err);
	if (lock < 0)
		return -1;
	char sock[256];
	mgr_sock_path(m, id, sock, sizeof(sock));
	unlink(sock);
	mgr_event(m, id, NULL, "destroy");
	if ((trash ? isola_rootfs_retire(m->store, id, trash, tsize, err)
		   : isola_rootfs_remove(m->store, id, err)) < 0)
		return -1;
	mgr_name_drop(m, name, id);
	return 0;
}

int isola_ctr_wait(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	for (;;) {
		struct json_object *rec = isola_ctr_load(m, id, err);
		if (!rec)
			return -1;
		const char *st = isola_ctr_status(m, rec);
		if (!is_live(st) && strcmp(st, "created")) {
			isola_ctr_refresh(m, id, rec, NULL);
			json_object_put(rec);
			rec = isola_ctr_load(m, id, err);
			int code = rec ? (int)mgr_int(mgr_obj(rec, "State"), "ExitCode", 0) : -1;
			json_object_put(rec);
			return code;
		}
		json_object_put(rec);
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}
