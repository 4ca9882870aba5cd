/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CLI_H
#define ISOLA_CLI_H

/* The isola manager CLI: main.c dispatches to one function per verb. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "image/store.h"
#include "isola/error.h"

struct cli {
	const char *root; /* --root, $ISOLA_ROOT or /var/lib/isola */
	const char *run;  /* --runroot, $ISOLA_RUNROOT or /run/isola */
	const char *prog;
	char **argv; /* the whole command line, for cli_delegate */
};

typedef int (*cli_verb_fn)(struct cli *cli, int argc, char **argv);

/* Print "isola: msg" to stderr; returns 1 (the exit status). */
int cli_fail(const struct isola_error *err);
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct isola_store *cli_store(struct cli *cli, int mode, struct isola_error *err);
/* "12.3MB" like docker (base 1000). */
void cli_human_size(int64_t bytes, char *buf, size_t size);
/* "3 minutes ago" from an RFC 3339 time. */
void cli_human_ago(const char *rfc3339, char *buf, size_t size);
/* A progress sink that draws bars on a tty and plain lines otherwise (stderr). */
void cli_progress_init(struct isola_progress_sink *sink, bool quiet);
void cli_progress_finish(struct isola_progress_sink *sink);

/* Our helper programs: beside us in the build tree, else in ISOLA_LIBEXECDIR. */
void cli_helper_path(const char *in_build, const char *name, char *buf, size_t size);
/* The front `isola`: run this whole command line with isola-image (never returns on success). */
int cli_delegate(struct cli *cli);

struct json_object;
/* docker's --format templates: {{.State.Pid}}, {{json .Config}} (template.c). */
void cli_template(const char *tmpl, struct json_object *o, FILE *out);

int cmd_images(struct cli *cli, int argc, char **argv);
int cmd_inspect(struct cli *cli, int argc, char **argv);
int cmd_rmi(struct cli *cli, int argc, char **argv);
int cmd_tag(struct cli *cli, int argc, char **argv);
int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_prune(struct cli *cli, int argc, char **argv);
int cmd_pull(struct cli *cli, int argc, char **argv);
int cmd_push(struct cli *cli, int argc, char **argv);
int cmd_login(struct cli *cli, int argc, char **argv);
int cmd_logout(struct cli *cli, int argc, char **argv);
int cmd_load(struct cli *cli, int argc, char **argv);
int cmd_save(struct cli *cli, int argc, char **argv);
int cmd_rootfs(struct cli *cli, int argc, char **argv);

#endif
