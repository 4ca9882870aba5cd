/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/hooks.h"

static pid_t spawn_hook(const struct isola_hook *h, const struct isola_hook_run *how, int cwd,
			int *stdin_w, struct isola_error *err)
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
		char *argv0[] = {h->path, NULL};
		char **env = h->env ? h->env : how->env ? how->env : environ;
		dup2(p[0], 0);
		signal(SIGPIPE, SIG_DFL);
		if (cwd >= 0 && fchdir(cwd) < 0)
			_exit(127);
		execve(h->path, h->args ? h->args : argv0, env);
		_exit(127);
	}
	close(p[0]);
	*stdin_w = p[1];
	return pid;
}

/* Wait for pid for at most timeout seconds (0: forever); kill it after. */
static int wait_hook(pid_t pid, int timeout, int *status)
{
	cleanup_close int pidfd = sys_pidfd_open(pid, 0);
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

static int run_one(const struct isola_hook *h, const struct isola_hook_run *how, int cwd,
		   struct isola_error *err)
{
	int w = -1;
	pid_t pid = spawn_hook(h, how, cwd, &w, err);
	if (pid < 0)
		return -1;
	/* A hook that does not read its stdin must not block us: ignore EPIPE. */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	isola_write_all(w, how->state, strlen(how->state));
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

/* Opened here, once per list, so a missing directory is an error that names it. */
static int open_cwd(const struct isola_hook_run *how, struct isola_error *err)
{
	if (!how->cwd)
		return -1;
	int fd = open(how->cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		isola_err_sys(err, "hooks.%s: working directory \"%s\"", how->kind, how->cwd);
	return fd;
}

int isola_hooks_run_how(const struct isola_hook_list *list, const struct isola_hook_run *how,
			struct isola_error *err)
{
	if (!list->n)
		return 0;
	cleanup_close int cwd = open_cwd(how, err);
	if (how->cwd && cwd < 0)
		return -1;
	for (size_t i = 0; i < list->n; i++)
		if (run_one(&list->hooks[i], how, cwd, err) < 0)
			return isola_err_prefix(err, "hooks.%s[%zu]", how->kind, i);
	return 0;
}

int isola_hooks_run(const struct isola_hook_list *list, const char *kind, const char *state_json,
		    struct isola_error *err)
{
	struct isola_hook_run how = {.kind = kind, .state = state_json};
	return isola_hooks_run_how(list, &how, err);
}

void isola_hooks_run_warn(const struct isola_hook_list *list, const struct isola_hook_run *how,
			  isola_warn_fn warn, void *warn_data)
{
	struct isola_error e = {0};
	if (!list->n)
		return;
	/* Without its directory a hook still runs (in ours): it may be the clean-up that matters.
	 */
	cleanup_close int cwd = open_cwd(how, &e);
	if (how->cwd && cwd < 0 && warn)
		warn(warn_data, e.msg);
	for (size_t i = 0; i < list->n; i++) {
		if (run_one(&list->hooks[i], how, cwd, &e) == 0)
			continue;
		isola_err_prefix(&e, "hooks.%s[%zu]", how->kind, i);
		if (warn)
			warn(warn_data, e.msg);
	}
}
