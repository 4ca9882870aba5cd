/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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
static void forward_signals(pid_t pid)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
				   SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU};
	struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	forward_to = pid;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
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
	pid_t pid = 0;
	int rc = isola_container_create(&cli->rt, &a.opts, &pid, &err);
	if (pair[1] >= 0)
		close(pair[1]);
	if (rc < 0)
		return cli_fail(cli, &err);
	if (a.detach)
		return 0;
	forward_signals(pid);
	int master = pair[0] >= 0 ? tty_take_master(pair[0]) : -1;
	if (master >= 0) {
		tty_relay(master);
		close(master);
	}
	int status = isola_container_wait(pid);
	forward_to = 0;
	if (isola_container_delete(&cli->rt, a.opts.id, true, &err) < 0)
		cli_warn(cli, "%s", err.msg);
	return status;
}
