/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "create-opts.h"
#include "isola/supervise.h"

VERB(run)
{
	struct create_args a = {0};
	int r = create_args_parse(cli, argc, argv, true, &a);
	if (r)
		return r;
	a.opts.start = true;
	struct isola_error err = {0};
	cli_debug(cli, "run %s: bundle \"%s\"", a.opts.id, a.opts.bundle);
	if (a.detach) {
		pid_t pid = 0;
		if (isola_container_create(&cli->rt, &a.opts, &pid, &err) < 0)
			return cli_fail(cli, &err);
		cli_debug(cli, "container %s started: init pid %d", a.opts.id, (int)pid);
		return 0;
	}
	/* Foreground without --console-socket: relay the pty ourselves (as runc). */
	a.opts.relay_tty = true;
	a.opts.subreaper = !a.no_subreaper;
	struct isola_container *c = isola_container_run(&cli->rt, &a.opts, &err);
	if (!c)
		return cli_fail(cli, &err);
	cli_debug(cli, "container %s started: init pid %d", a.opts.id, (int)isola_container_pid(c));
	int status = isola_container_supervise(c);
	cli_debug(cli, "container %s: process exited with status %d", a.opts.id, status);
	if (a.keep) {
		isola_container_release(c); /* stopped, until `delete` */
		return status;
	}
	/* The state, cgroup and config are still in memory: no reload for the delete. */
	if (isola_container_finish(c, &err) < 0)
		cli_warn(cli, "%s", err.msg);
	return status;
}
