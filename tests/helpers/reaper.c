/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * reaper CMD [ARGS...]: run CMD as a child subreaper and reap every orphan
 * (this machine's PID 1 does not). Exits with CMD's status once CMD exits
 * and no descendant is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: reaper CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("reaper: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("reaper: fork");
		return 1;
	}
	if (child == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "reaper: exec %s: %m\n", argv[1]);
		_exit(127);
	}
	int status = 0, rc = 1;
	for (;;) {
		pid_t p = waitpid(-1, &status, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		if (p == child)
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	return rc;
}
