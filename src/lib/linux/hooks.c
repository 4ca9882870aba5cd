/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "linux/hooks.h"

static pid_t spawn_hook(const struct isola_hook *h, int *stdin_w, struct isola_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return isola_err_sys(err, "fork");
	}
	if (pid == 0) {
		static char *const empty[] = {NULL};
		char *argv0[] = {h->path, NULL};
		dup2(p[0], 0);
		signal(SIGPIPE, SIG_DFL);
		execve(h->path, h->args ? h->args : argv0, h->env ? h->env : empty);
		_exit(127);
	}
	close(p[0]);
	*stdin_w = p[1];
	return pid;
}

/* Wait for pid for at most timeout seconds (0: forever); kill it after. */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (timeout > 0 && pidfd >= 0) {
		struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
		int r;
		do
			r = poll(&pfd, 1, timeout * 1000);
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return 1;
		}
	}
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static int run_one(const struct isola_hook *h, const char *state, struct isola_error *err)
{
	int w = -1;
	pid_t pid = spawn_hook(h, &w, err);
	if (pid < 0)
		return -1;
	/* A hook that does not read its stdin must not block us: ignore EPIPE. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	isola_write_all(w, state, strlen(state));
	close(w);
	signal(SIGPIPE, old);
	int status = 0;
	int r = wait_hook(pid, h->timeout, &status);
	if (r < 0)
		return isola_err_sys(err, "wait for hook \"%s\"", h->path);
	if (r > 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "hook \"%s\" timed out after %d s",
				 h->path, h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "hook \"%s\" exited with status %d",
				 h->path, WEXITSTATUS(status));
	return isola_err(err, ISOLA_ERR_SYSTEM, 0, "hook \"%s\" killed by signal %d", h->path,
			 WTERMSIG(status));
}

int isola_hooks_run(const struct isola_hook_list *list, const char *kind, const char *state_json,
		    struct isola_error *err)
{
	for (size_t i = 0; i < list->n; i++)
		if (run_one(&list->hooks[i], state_json, err) < 0)
			return isola_err_prefix(err, "hooks.%s[%zu]", kind, i);
	return 0;
}
