/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/hooks.h"
#include "runtime/container.h"

static void state_freep(struct isola_state **s)
{
	isola_state_free(*s);
}
#define cleanup_state __attribute__((cleanup(state_freep)))

static void cgroup_freep(struct isola_cgroup **cg)
{
	isola_cgroup_free(*cg);
}
#define cleanup_cgroup __attribute__((cleanup(cgroup_freep)))

static void config_freep(struct isola_config **c)
{
	isola_config_free(*c);
}
#define cleanup_config __attribute__((cleanup(config_freep)))

struct isola_config *isola_container_config(const struct isola_state *s, struct isola_error *err)
{
	/* The copy taken at create: the bundle may have changed since. */
	char path[4096];
	cleanup_free char *text = NULL;
	snprintf(path, sizeof(path), "%s/config.json", s->dir);
	if (isola_read_file_at(AT_FDCWD, path, &text, NULL, err) < 0)
		return NULL;
	return isola_config_parse(text, s->bundle, err);
}

/* Where warnings go: the caller's callback, or nowhere. */
struct warn_to {
	isola_warn_fn fn;
	void *data;
};

__attribute__((format(printf, 2, 3))) static void warnf(const struct warn_to *w, const char *fmt,
							...)
{
	if (!w->fn)
		return;
	char msg[2560];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->fn(w->data, msg);
}

/* Load a container's state with its lock held (start and delete change it). */
static struct isola_state *load_locked(const struct isola_rt *rt, const char *id, int *lock,
				       struct isola_error *err)
{
	struct isola_state *s = isola_state_load(rt->root, id, err);
	if (s && (*lock = isola_state_lock(s, err)) < 0) {
		isola_state_free(s);
		return NULL;
	}
	return s;
}

/* Below, next to delete's steps: from spec 1.3.0 a failing hook destroys the container. */
static int poststart(const struct isola_rt *rt, const struct isola_state *s,
		     struct isola_error *err);

int isola_container_start(const struct isola_rt *rt, const char *id, struct isola_error *err)
{
	cleanup_close int lock = -1;
	cleanup_state struct isola_state *s = load_locked(rt, id, &lock, err);
	if (!s)
		return -1;
	enum isola_status st = isola_state_status(s);
	if (st == ISOLA_STATUS_STOPPED)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "cannot start a container that has stopped");
	if (st != ISOLA_STATUS_CREATED)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "cannot start an already running container");
	char path[4096];
	snprintf(path, sizeof(path), "%s/exec.fifo", s->dir);
	/* The init holds the fifo open for reading: ENXIO here means it is gone. */
	cleanup_close int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open exec fifo");
	if (write(fd, "0", 1) != 1)
		return isola_err_sys(err, "write exec fifo");
	unlink(path);
	/*
	 * The init holds the fifo until its execve (close-on-exec): POLLERR on our
	 * write end means the container process runs, startContainer hooks done.
	 */
	struct pollfd p = {.fd = fd, .events = 0};
	while (poll(&p, 1, 60000) < 0 && errno == EINTR)
		;
	return s->poststart_hooks ? poststart(rt, s, err) : 0;
}

static int pidfd_of(const struct isola_state *s)
{
	int fd = sys_pidfd_open(s->pid, 0);
	/* Opened first, checked after: the pidfd pins the process we checked. */
	if (fd >= 0 && !isola_state_pid_alive(s)) {
		close(fd);
		errno = ESRCH;
		return -1;
	}
	return fd;
}

int isola_container_kill(const struct isola_rt *rt, const char *id, int sig, bool all,
			 struct isola_error *err)
{
	cleanup_state struct isola_state *s = isola_state_load(rt->root, id, err);
	if (!s)
		return -1;
	enum isola_status st = isola_state_status(s);
	/*
	 * --all of a stopped container signals what is left in its cgroup, if
	 * anything, and succeeds (as runc): shims send it after the init exited.
	 */
	if (st == ISOLA_STATUS_CREATING || (st == ISOLA_STATUS_STOPPED && !all))
		return isola_err(err, ISOLA_ERR_STATE, 0, "container not running");
	if (all && s->cgroup) {
		cleanup_cgroup struct isola_cgroup *cg = isola_cgroup_load(s->cgroup, err);
		if (!cg || isola_cgroup_kill(cg, sig, err) < 0)
			return -1;
		return 0;
	}
	if (st == ISOLA_STATUS_STOPPED)
		return 0;
	cleanup_close int pfd = pidfd_of(s);
	if (pfd < 0)
		return isola_err(err, ISOLA_ERR_STATE, 0, "container not running");
	if (sys_pidfd_send_signal(pfd, sig, NULL, 0) < 0)
		return isola_err_sys(err, "kill container");
	return 0;
}

/* Wait until the process behind pidfd is gone, at most timeout_ms. */
static bool wait_pidfd(int pidfd, int timeout_ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	int r;
	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

static int stop_processes(const struct isola_state *s, struct isola_cgroup *cg,
			  struct isola_error *err)
{
	cleanup_close int pfd = pidfd_of(s);
	if (pfd >= 0)
		sys_pidfd_send_signal(pfd, SIGKILL, NULL, 0);
	if (cg) {
		isola_cgroup_kill(cg, SIGKILL, err);
		/* A frozen cgroup holds SIGKILLed tasks: thaw so they can die. */
		isola_cgroup_freeze(cg, false, err);
	}
	if (pfd >= 0 && !wait_pidfd(pfd, 10000))
		return isola_err(err, ISOLA_ERR_BUSY, 0,
				 "container init did not exit after SIGKILL");
	return 0;
}

/*
 * The end of every delete, once the init is gone: the cgroup (and any process
 * left in it), poststop hooks, the state dir. c is the config when the caller
 * has it; otherwise it is read only if the state says there are poststop hooks.
 */
static int teardown(const struct isola_state *s, struct isola_cgroup *cg,
		    const struct isola_config *c, const struct warn_to *w, struct isola_error *err)
{
	if (cg && isola_cgroup_destroy(cg, err) < 0)
		return isola_err_prefix(err, "delete container %s", s->id);
	cleanup_config struct isola_config *loaded = NULL;
	struct isola_error e;
	if (!c && s->created && s->poststop_hooks && !(c = loaded = isola_container_config(s, &e)))
		warnf(w, "poststop hooks not run: %s", e.msg);
	if (s->created && c && c->hooks[ISOLA_HOOK_POSTSTOP].n) {
		cleanup_free char *state = isola_state_json(s, ISOLA_STATUS_STOPPED, 0);
		/* The spec: a failing poststop hook is a warning, the others and the delete go on.
		 */
		struct isola_hook_run how = {.kind = "poststop", .state = state, .cwd = s->bundle};
		isola_hooks_run_warn(&c->hooks[ISOLA_HOOK_POSTSTOP], &how, w->fn, w->data);
	}
	return isola_state_remove(s->dirfd, s->dir, err);
}

/*
 * Up to spec 1.2 a failing poststart hook is a warning and the others run.
 * From 1.3.0 it is an error: the container is stopped and destroyed, its
 * poststop hooks included (runtime-spec lifecycle step 9, on at step 12).
 */
static int poststart(const struct isola_rt *rt, const struct isola_state *s,
		     struct isola_error *err)
{
	struct warn_to w = {rt->warn, rt->warn_data};
	struct isola_error e;
	cleanup_config struct isola_config *c = isola_container_config(s, &e);
	if (!c) {
		warnf(&w, "poststart hooks not run: %s", e.msg);
		return 0;
	}
	cleanup_free char *state = isola_state_json(s, ISOLA_STATUS_RUNNING, 0);
	struct isola_hook_run how = {.kind = "poststart", .state = state, .cwd = s->bundle};
	const struct isola_hook_list *l = &c->hooks[ISOLA_HOOK_POSTSTART];
	if (c->oci_minor < 3) {
		isola_hooks_run_warn(l, &how, w.fn, w.data);
		return 0;
	}
	if (isola_hooks_run_how(l, &how, err) == 0)
		return 0;
	cleanup_cgroup struct isola_cgroup *cg =
	    s->cgroup ? isola_cgroup_load(s->cgroup, &e) : NULL;
	if ((s->cgroup && !cg) || stop_processes(s, cg, &e) < 0 || teardown(s, cg, c, &w, &e) < 0)
		warnf(&w, "destroy container %s: %s", s->id, e.msg);
	return -1;
}

int isola_container_delete(const struct isola_rt *rt, const char *id, bool force,
			   struct isola_error *err)
{
	cleanup_close int lock = -1;
	cleanup_state struct isola_state *s = load_locked(rt, id, &lock, err);
	if (!s)
		return -1;
	enum isola_status st = isola_state_status(s);
	if ((st == ISOLA_STATUS_RUNNING || st == ISOLA_STATUS_PAUSED) && !force)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "cannot delete container %s that is not stopped: %s", id,
				 isola_status_name(st));
	cleanup_cgroup struct isola_cgroup *cg = NULL;
	if (s->cgroup && !(cg = isola_cgroup_load(s->cgroup, err)))
		return -1;
	if (st != ISOLA_STATUS_STOPPED && stop_processes(s, cg, err) < 0)
		return -1;
	struct warn_to w = {rt->warn, rt->warn_data};
	return teardown(s, cg, NULL, &w, err);
}

int isola_container_finish(struct isola_container *c, struct isola_error *err)
{
	struct isola_state *s = &c->state;
	/* A `delete` that ran while we waited removed the dir: nothing left for us. */
	int rc = isola_state_lock_own(s, err);
	struct warn_to w = {c->warn, c->warn_data};
	if (rc > 0)
		rc = teardown(s, c->cg, c->config, &w, err);
	isola_container_release(c);
	/* What the delete killed in the cgroup and had come to us: reaped, not left to PID 1. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return rc;
}

void isola_container_release(struct isola_container *c)
{
	if (!c)
		return;
	isola_state_clear(&c->state);
	isola_cgroup_free(c->cg);
	isola_config_free(c->config);
	if (c->console >= 0)
		close(c->console);
	free(c);
}

int isola_container_wait(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 255;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
