/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_RUNTIME_CREATE_OPTS_H
#define ISOLA_RUNTIME_CREATE_OPTS_H

#include <stdbool.h>

#include "cli.h"

/* The options create and run share; detach is run's -d. */
struct create_args {
	struct isola_create_opts opts;
	char bundle[4096];
	bool detach;
	bool keep;	   /* run --keep: no delete after the process exits */
	bool no_subreaper; /* run --no-subreaper */
};

/* Parse create/run options and the id; returns 0, or the exit code to return. */
int create_args_parse(struct cli *cli, int argc, char **argv, bool is_run, struct create_args *a);

#endif
