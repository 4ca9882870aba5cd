/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_RUNTIME_CGROUP_VERBS_H
#define ISOLA_RUNTIME_CGROUP_VERBS_H

#include "cgroup/cgroup.h"
#include "cli.h"

/* Load a container's state and cgroup, requiring one of the given statuses. */
struct isola_cgroup *cli_load_cgroup(struct cli *cli, const char *id, struct isola_state **state,
				     int status_mask, int *rc);
#define STATUS_BIT(s) (1 << (s))

#endif
