/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>

#include "cgroup-verbs.h"

struct isola_cgroup *cli_load_cgroup(struct cli *cli, const char *id, struct isola_state **state,
				     int status_mask, int *rc)
{
	struct isola_error err = {0};
	*state = isola_state_load(cli->rt.root, id, &err);
	if (!*state) {
		*rc = cli_fail(cli, &err);
		return NULL;
	}
	enum isola_status st = isola_state_status(*state);
	if (!(status_mask & STATUS_BIT(st))) {
		*rc = cli_failf(cli, st == ISOLA_STATUS_STOPPED ? "container not running"
							       : "container %s is %s", id,
				isola_status_name(st));
		return NULL;
	}
	struct isola_cgroup *cg = (*state)->cgroup ? isola_cgroup_load((*state)->cgroup, &err)
						   : NULL;
	if (!cg)
		*rc = err.msg[0] ? cli_fail(cli, &err)
				 : cli_failf(cli, "container %s has no cgroup", id);
	return cg;
}

static int freeze(struct cli *cli, int argc, char **argv, bool on)
{
	if (!cli_nargs(cli, argc, 1, 1, 1))
		return 1;
	struct isola_state *s = NULL;
	int rc = 0;
	int want = on ? STATUS_BIT(ISOLA_STATUS_RUNNING) | STATUS_BIT(ISOLA_STATUS_CREATED)
		      : STATUS_BIT(ISOLA_STATUS_PAUSED);
	struct isola_cgroup *cg = cli_load_cgroup(cli, argv[1], &s, want, &rc);
	if (cg) {
		struct isola_error err = {0};
		if (isola_cgroup_freeze(cg, on, &err) < 0)
			rc = cli_fail(cli, &err);
		isola_cgroup_free(cg);
	} else if (!rc) {
		rc = 1;
	}
	isola_state_free(s);
	return rc;
}

VERB(pause)
{
	return freeze(cli, argc, argv, true);
}

VERB(resume)
{
	return freeze(cli, argc, argv, false);
}
