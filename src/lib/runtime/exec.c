/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/caps.h"
#include "linux/console.h"
#include "linux/ns.h"
#include "linux/process.h"
#include "linux/spawn.h"
#include "isola/supervise.h"
#include "runtime/container.h"
#include "runtime/sync.h"

/*
 * exec joins the init's namespaces through its pidfd (one setns call, no
 * /proc/PID/ns path races), then forks so the process lands in the
 * container's pid namespace. Errors before execve come back over the sync
 * socket; its close-on-exec EOF means the exec succeeded.
 */
struct exec_ctx {
	const struct isola_exec_opts *opts;
	struct isola_config *config;
	struct isola_state *state;
	struct isola_cgroup *cg;
	int pidfd;
	int ns_flags;	 /* namespaces of the container, joined by the child */
	bool cg_v2_done; /* clone3 put the child in the v2 part of the cgroup */
	int sync[2];
	int console;
	int relay; /* relay_tty: our end of the console socketpair, or -1 */
};

static int container_ns_flags(const struct isola_config *c)
{
	int flags = 0;
	for (size_t i = 0; i < c->n_namespaces; i++)
		flags |= c->namespaces[i].type;
	return flags;
}

/*
 * A container without a mount namespace of its own was only chrooted: its
 * root is the init's, which joining the namespaces does not give (setns of
 * a mount namespace goes to that namespace's root). Taken from the host's
 * /proc before the pid namespace changes what /proc shows.
 */
static int open_init_root(const struct exec_ctx *x, struct isola_error *err)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/root", (int)x->state->pid);
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open the container's root");
	return fd;
}

static int enter_root(int fd, struct isola_error *err)
{
	if (fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return isola_err_sys(err, "enter the container's root");
	return 0;
}

static int exec_child_steps(struct exec_ctx *x, struct isola_launch *l, struct isola_error *err)
{
	const struct isola_process *p = x->opts->process;
	int keep[] = {x->sync[1], x->pidfd, x->console};
	if (isola_close_fds_except(3 + x->opts->preserve_fds, keep, 3, err) < 0)
		return -1;
	/* Still host root in the host's mount namespace: join the cgroup ourselves (fast). */
	if (x->cg && isola_cgroup_enter_self(x->cg, x->cg_v2_done, err) < 0)
		return -1;
	int join = x->ns_flags & ~(CLONE_NEWPID | CLONE_NEWTIME);
	cleanup_close int initroot = -1;
	if (!(isola_ns_new_flags(x->config) & CLONE_NEWNS) &&
	    (initroot = open_init_root(x, err)) < 0)
		return -1;
	if (join && setns(x->pidfd, join) < 0)
		return isola_err_sys(err, "join the container's namespaces");
	if (initroot >= 0 && enter_root(initroot, err) < 0)
		return -1;
	if (isola_sync_recv(x->sync[1], ISOLA_SYNC_GO, NULL, NULL, err) < 0)
		return -1;
	cleanup_close int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (p->terminal && isola_console_setup(rootfd, x->console, p, false, err) < 0)
		return -1;
	/* A listener of the exec'd process has no taker: it closes on execve. */
	int notify = -1;
	if (isola_process_limits(p, err) < 0 ||
	    isola_process_prepare(p, rootfd, x->opts->preserve_fds, l, err) < 0)
		return -1;
	return isola_process_seal(p, x->config->seccomp, l, &notify, err);
}

static __attribute__((noreturn)) void exec_child(struct exec_ctx *x)
{
	struct isola_error err = {0};
	struct isola_launch l = {0};
	close(x->sync[0]);
	/* Don't let the container ptrace or read us while we still hold host fds. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (exec_child_steps(x, &l, &err) == 0)
		isola_process_exec(x->opts->process, &l, &err);
	isola_sync_send(x->sync[1], ISOLA_SYNC_ERROR, NULL, -1, &err);
	_exit(127);
}

static int exec_load(struct exec_ctx *x, const struct isola_rt *rt, struct isola_error *err)
{
	x->state = isola_state_load(rt->root, x->opts->id, err);
	if (!x->state)
		return -1;
	enum isola_status st = isola_state_status(x->state);
	if (st == ISOLA_STATUS_PAUSED && !x->opts->ignore_paused)
		return isola_err(err, ISOLA_ERR_STATE, 0,
				 "cannot exec in a paused container (use --ignore-paused)");
	if (st != ISOLA_STATUS_RUNNING && st != ISOLA_STATUS_CREATED && st != ISOLA_STATUS_PAUSED)
		return isola_err(err, ISOLA_ERR_STATE, 0, "cannot exec in a stopped container");
	if (!(x->config = isola_container_config(x->state, err)))
		return -1;
	x->pidfd = sys_pidfd_open(x->state->pid, 0);
	if (x->pidfd < 0 || !isola_state_pid_alive(x->state))
		return isola_err(err, ISOLA_ERR_STATE, 0, "container not running");
	if (x->state->cgroup && !(x->cg = isola_cgroup_load(x->state->cgroup, err)))
		return -1;
	if (x->opts->cgroups && *x->opts->cgroups && !x->cg)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "--cgroup: the container has no cgroup");
	for (char **sub = x->opts->cgroups; sub && *sub; sub++)
		if (isola_cgroup_narrow(x->cg, *sub, err) < 0)
			return -1;
	x->ns_flags = container_ns_flags(x->config);
	return 0;
}

static int exec_spawn(struct exec_ctx *x, pid_t *pid, struct isola_error *err)
{
	if (x->opts->console_socket &&
	    (x->console = isola_console_connect(x->opts->console_socket, err)) < 0)
		return -1;
	if (!x->opts->console_socket && x->opts->console_fd >= 0 && x->opts->process->terminal &&
	    (x->console = fcntl(x->opts->console_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		return isola_err_sys(err, "console socket");
	const struct isola_exec_opts *o = x->opts;
	int pair[2];
	if (o->relay_tty && o->process->terminal && !o->console_socket && o->console_fd < 0 &&
	    !o->detach) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
			return isola_err_sys(err, "console socketpair");
		x->relay = pair[0];
		x->console = pair[1];
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync) < 0)
		return isola_err_sys(err, "socketpair");
	/* pid (and time) namespaces apply to children: join them here, then fork. */
	int fork_ns = x->ns_flags & (CLONE_NEWPID | CLONE_NEWTIME);
	if (fork_ns && setns(x->pidfd, fork_ns) < 0)
		return isola_err_sys(err, "join the container's pid namespace");
	isola_caps_last_cap(); /* cached from the host's /proc for the child (linux/caps.h) */
	int cgfd = x->cg ? isola_cgroup_clone_fd(x->cg) : -1;
	*pid = isola_spawn(0, cgfd, &x->cg_v2_done);
	if (*pid < 0)
		return isola_err_sys(err, "clone");
	if (*pid == 0)
		exec_child(x);
	if (fork_ns)
		isola_ns_pid_for_children_reset();
	close(x->sync[1]);
	x->sync[1] = -1;
	if (isola_process_oom_score_adj(*pid, x->opts->process, err) < 0 ||
	    isola_sync_send(x->sync[0], ISOLA_SYNC_GO, NULL, -1, err) < 0)
		return -1;
	/* EOF: the process called execve. An ERROR: it failed before. */
	int type = isola_sync_recv_any(x->sync[0], NULL, NULL, err);
	if (type > 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "sync: unexpected message %d", type);
	return type;
}

static void exec_release(struct exec_ctx *x)
{
	for (int i = 0; i < 2; i++)
		if (x->sync[i] >= 0)
			close(x->sync[i]);
	if (x->pidfd >= 0)
		close(x->pidfd);
	if (x->console >= 0)
		close(x->console);
	if (x->relay >= 0)
		close(x->relay);
	isola_cgroup_free(x->cg);
	isola_config_free(x->config);
	isola_state_free(x->state);
}

int isola_container_exec(const struct isola_rt *rt, struct isola_exec_opts *opts,
			 struct isola_error *err)
{
	struct exec_ctx x = {
	    .opts = opts, .pidfd = -1, .sync = {-1, -1}, .console = -1, .relay = -1};
	pid_t pid = -1;
	int rc = -1, master = -1;
	bool relay = false;
	if (exec_load(&x, rt, err) < 0 || exec_spawn(&x, &pid, err) < 0)
		goto out;
	if (opts->pid_file && isola_write_pid_file(opts->pid_file, pid, err) < 0)
		goto out;
	opts->pid = pid;
	/* The process sent the master before its execve, which exec_spawn waited for. */
	if ((relay = x.relay >= 0))
		master = isola_tty_take_master(x.relay);
	rc = opts->detach || relay ? 0 : isola_container_wait(pid);
	pid = -1;
out:
	if (rc < 0 && pid > 0) {
		kill(pid, SIGKILL);
		isola_container_wait(pid);
	}
	exec_release(&x);
	if (rc == 0 && relay && master >= 0) {
		isola_tty_relay(master);
		close(master);
	}
	return rc == 0 && relay ? isola_container_wait(opts->pid) : rc;
}
