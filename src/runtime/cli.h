/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_RUNTIME_CLI_H
#define ISOLA_RUNTIME_CLI_H

#include <stdbool.h>

#include "isola/error.h"
#include "isola/container.h"

/* Global state of one isola-runtime invocation (runc's global flags). */
struct cli {
	struct isola_rt rt;
	const char *log_path;
	bool log_json;
	bool debug;
	const char *verb;
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage; /* "[options] <container-id>" */
	const char *help;  /* option lines */
};

/* Print an error once: to stderr, and to --log in the chosen format. Returns 1. */
int cli_fail(struct cli *cli, const struct isola_error *err);
int cli_failf(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning from the library: logged, and printed on stderr. */
void cli_warn(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* With --debug and --log: one debug line in the log (nothing otherwise). */
void cli_debug(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "--help" / usage errors for a verb. */
int cli_usage(struct cli *cli, int code);
/* Expect exactly n positional arguments after options; otherwise usage error. */
bool cli_nargs(struct cli *cli, int argc, int optind_, int min, int max);
/* Parse a signal name or number (KILL, SIGKILL, 9); -1 when unknown. */
int cli_signal(const char *s);

#define VERB(name) int verb_##name(struct cli *cli, int argc, char **argv)
VERB(create);
VERB(start);
VERB(state);
VERB(kill);
VERB(delete);
VERB(run);
VERB(exec);
VERB(list);
VERB(spec);
VERB(features);
VERB(ps);
VERB(pause);
VERB(resume);
VERB(update);
VERB(events);
VERB(checkpoint);
VERB(restore);

#endif
