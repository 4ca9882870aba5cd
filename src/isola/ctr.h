/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CLI_CTR_H
#define ISOLA_CLI_CTR_H

/* The container verbs of the isola CLI. */
#include <stdbool.h>

#include "cli.h"
#include "manager/manager.h"

/* docker's exit codes for the CLI's own failures. */
#define CTR_EXIT_ERROR 125
#define CTR_EXIT_CANNOT_INVOKE 126
#define CTR_EXIT_NOT_FOUND 127

struct ctr_args {
	struct isola_ctr_opts o;
	bool detach, sig_proxy, tls_verify;
	const char *detach_keys, *pull;
};

/* 0, 2 (usage error), or -1 after --help. */
int ctr_args_parse(struct ctr_args *a, int argc, char **argv, bool run);
void ctr_args_release(struct ctr_args *a);
char **ctr_strv_push(char **v, const char *s);

/* The store and run root of this invocation; prints and returns -1 on failure. */
int ctr_mgr_open(struct cli *cli, struct isola_mgr *m, bool quiet);
/* Open the store, resolve ref, run fn on it (its return is the exit status). */
typedef int (*ctr_one_fn)(struct isola_mgr *m, const char *id, void *data);
int ctr_on_one(struct cli *cli, const char *ref, ctr_one_fn fn, void *data);
/* For the verbs that take containers: resolve one, or print the error (-1). */
int ctr_resolve(struct isola_mgr *m, const char *ref, char id[65]);
/* Print "isola: msg" and return code. */
int ctr_fail(const struct isola_error *err, int code);

/* Relay an attach socket to our stdio until the EXIT frame; returns the exit code. */
struct ctr_relay {
	int sock;
	bool tty, stdin_open, sig_proxy;
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q */
	struct isola_mgr *m;
	const char *id;
};
int ctr_relay(struct ctr_relay *r);

int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_run(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_attach(struct cli *cli, int argc, char **argv);
int cmd_stop(struct cli *cli, int argc, char **argv);
int cmd_restart(struct cli *cli, int argc, char **argv);
int cmd_kill(struct cli *cli, int argc, char **argv);
int cmd_rm(struct cli *cli, int argc, char **argv);
int cmd_pause(struct cli *cli, int argc, char **argv);
int cmd_unpause(struct cli *cli, int argc, char **argv);
int cmd_wait(struct cli *cli, int argc, char **argv);
int cmd_rename(struct cli *cli, int argc, char **argv);
int cmd_ps(struct cli *cli, int argc, char **argv);
int cmd_logs(struct cli *cli, int argc, char **argv);
int cmd_exec(struct cli *cli, int argc, char **argv);
int cmd_top(struct cli *cli, int argc, char **argv);
int cmd_volume(struct cli *cli, int argc, char **argv);
int cmd_network(struct cli *cli, int argc, char **argv);
int cmd_port(struct cli *cli, int argc, char **argv);
int cmd_stats(struct cli *cli, int argc, char **argv);
int cmd_cp(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_diff(struct cli *cli, int argc, char **argv);
int cmd_commit(struct cli *cli, int argc, char **argv);
int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_events(struct cli *cli, int argc, char **argv);
int cmd_image_inspect(struct cli *cli, int argc, char **argv);

#endif
