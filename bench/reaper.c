/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reaper.c - run CMD as a child of a PR_SET_CHILD_SUBREAPER process that reaps
 * every orphan (detached container inits end up here, as they would under
 * containerd-shim/conmon). Exits with CMD's status once CMD exits.
 * Without it, detached containers are reparented to PID 1, which on this VM
 * never reaps them (zombies pile up).
 *
 * Usage: reaper CMD [ARGS...]
 * Build: gcc -O2 -o reaper reaper.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: reaper CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	/* ignore terminal signals; the child decides (cleanup traps run there) */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	int status = 0;
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD */
		}
		if (p == child) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			/* reap whatever is already dead, leave the rest to init */
			while (waitpid(-1, &st, WNOHANG) > 0)
				;
			break;
		}
	}
	return status;
}
