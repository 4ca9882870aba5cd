/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * isola-monitor: the program a container's monitor runs. `isola start`
 * double-forks and execs it, so the monitor starts with a small address
 * space of its own (statically linked: no shared libraries to map) and
 * nothing of the command that started it but the fds it was handed:
 *
 *   isola-monitor STORE RUNROOT ID ATTACH_FD REPORT_FD INIT_PATH NET_PATH
 *
 * ATTACH_FD is -1 or a first attach client; REPORT_FD gets "started" or the
 * error (see src/lib/monitor/monitor.c). Not meant to be run by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isola/settings.h"
#include "manager/manager.h"
#include "monitor/monitor.h"

/* The test knobs: the library reads no environment, the front end passes them in. */
static void settings_from_env(void)
{
	const char *e = getenv("ISOLA_MOUNT_COMPAT");
	isola_cgroup_set_root(getenv("ISOLA_CGROUP_ROOT"));
	if (e && strcmp(e, "1") == 0)
		isola_mount_set_compat(true);
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fputs("isola-monitor: started by isola, not by hand\n", stderr);
		return 2;
	}
	struct isola_mgr m;
	struct isola_error err = {0};
	int report = atoi(argv[5]);
	if (isola_mgr_open(argv[1], argv[2], &m, &err) < 0) {
		isola_monitor_report(report, &err);
		return 1;
	}
	m.init_path = *argv[6] ? argv[6] : NULL;
	m.net_path = *argv[7] ? argv[7] : NULL;
	m.rt.prog = "isola";
	settings_from_env();
	isola_monitor_main(&m, argv[3], atoi(argv[4]), report);
	return 0;
}
