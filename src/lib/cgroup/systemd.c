/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --systemd-cgroup: cgroupsPath is "slice:prefix:name" and the cgroup is a
 * transient scope that systemd creates over D-Bus (StartTransientUnit).
 * Not done yet: this build has no D-Bus client, so the backend validates the
 * path and reports clearly why it can't go further.
 */
#include <string.h>
#include <sys/stat.h>

#include "cgroup/internal.h"

static int check_path(const char *p, struct isola_error *err)
{
	const char *c1 = p ? strchr(p, ':') : NULL, *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!p || !*p)
		return 0; /* default: system.slice:isola:<id> */
	if (!c2 || strchr(c2 + 1, ':') || p[0] == '/')
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "cgroupsPath \"%s\": expected \"slice:prefix:name\" with "
				 "--systemd-cgroup",
				 p);
	if (c1 != p && strncmp(c1 - 6, ".slice", 6) != 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "cgroupsPath \"%s\": the slice must end in \".slice\"", p);
	return 0;
}

int cg_systemd_check(const struct isola_cgroup_opts *opts, struct isola_error *err)
{
	struct stat st;
	if (check_path(opts->cgroups_path, err) < 0)
		return -1;
	/* sd_booted()'s test: the directory exists only while systemd is PID 1 */
	if (stat("/run/systemd/system", &st) < 0 || !S_ISDIR(st.st_mode))
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "systemd cgroup manager requested but systemd is not running");
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
			 "systemd cgroup manager: transient scopes over D-Bus are not implemented "
			 "yet, run without --systemd-cgroup");
}
