/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * isola-init: the PID 1 of `isola run --init`. A process that is PID 1 in its
 * namespace gets no default signal actions (SIGTERM does nothing unless it
 * installs a handler) and inherits every orphan of the container. This init
 * runs the command as its child, passes every signal on to it, reaps all
 * zombies, and exits with the command's status (128+N after a signal N).
 * Static, so it runs in any image.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int reap(pid_t child, int *status)
{
	int st, done = 0;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == child) {
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			done = 1;
		}
	}
	return done;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: isola-init COMMAND [ARG...]\n", stderr);
		return 2;
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t child = fork();
	if (child < 0) {
		fprintf(stderr, "isola-init: fork: %s\n", strerror(errno));
		return 125;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "isola-init: exec \"%s\": %s\n", argv[1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si), status = 0;
		if (sig == SIGCHLD) {
			if (reap(child, &status))
				return status;
		} else if (sig > 0) {
			kill(child, sig);
		}
	}
}
