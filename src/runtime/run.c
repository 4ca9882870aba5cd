/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "create-opts.h"
#include "tty.h"

static volatile pid_t forward_to;

static void forward(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* Signals a foreground run passes on to the container, as runc does. */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
				SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU};
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* With a tty relay: handlers, so the relay's poll loop keeps running. */
static void forward_signals(pid_t pid)
{
	const int *sigs = forwarded;
	struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	forward_to = pid;
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Without a relay: block the forwarded signals and SIGCHLD and take them with
 * sigwaitinfo, two syscalls instead of eleven handlers. The mask is restored
 * before anything else runs (delete's poststop hooks must not inherit it).
 */
static int wait_forwarding(pid_t pid)
{
	sigset_t set, old;
	sigemptyset(&set);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	int status = -1;
	for (;;) {
		/*
		 * Checked first: a SIGCHLD from before the mask was discarded. Any
		 * child is taken: orphans of the container come to us, its subreaper.
		 */
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0 && r != pid)
			;
		if (r == pid) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
		if (r < 0)
			break;
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD)
			kill(pid, sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status < 0 ? 255 : status;
}

VERB(run)
{
	struct create_args a = {0};
	int r = create_args_parse(cli, argc, argv, true, &a);
	if (r)
		return r;
	a.opts.start = true;
	/* Foreground without --console-socket: be the console socket ourselves (as runc). */
	int pair[2] = {-1, -1};
	if (!a.detach && !a.opts.console_socket &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0)
		a.opts.console_fd = pair[1];
	struct isola_error err = {0};
	cli_debug(cli, "run %s: bundle \"%s\"", a.opts.id, a.opts.bundle);
	if (a.detach) {
		pid_t pid = 0;
		if (isola_container_create(&cli->rt, &a.opts, &pid, &err) < 0)
			return cli_fail(cli, &err);
		cli_debug(cli, "container %s started: init pid %d", a.opts.id, (int)pid);
		return 0;
	}
	/*
	 * As runc: the container's orphans (without a pid namespace of its own)
	 * come to us instead of the host's init, and are reaped here.
	 */
	if (!a.no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	struct isola_container *c = isola_container_run(&cli->rt, &a.opts, &err);
	if (pair[1] >= 0)
		close(pair[1]);
	if (!c)
		return cli_fail(cli, &err);
	cli_debug(cli, "container %s started: init pid %d", a.opts.id, (int)c->pid);
	int master = pair[0] >= 0 ? tty_take_master(pair[0]) : -1;
	int status;
	if (master >= 0) {
		forward_signals(c->pid);
		tty_relay(master);
		close(master);
		status = isola_container_wait(c->pid);
	} else {
		status = wait_forwarding(c->pid);
	}
	forward_to = 0;
	cli_debug(cli, "container %s: process exited with status %d", a.opts.id, status);
	if (a.keep) {
		isola_container_release(c); /* stopped, until `delete` */
		return status;
	}
	/* The state, cgroup and config are still in memory: no reload for the delete. */
	if (isola_container_finish(c, &err) < 0)
		cli_warn(cli, "%s", err.msg);
	/* What the delete killed in the cgroup and had come to us: reaped, not left to PID 1. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return status;
}
