/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NETCLI_H
#define ISOLA_NETCLI_H

/* isola-net: main.c parses the global options and dispatches to a verb. */
#include "isola/error.h"

struct netcli {
	const char *root; /* --root, $ISOLA_ROOT or /var/lib/isola */
};

/* Print "isola: msg" on stderr; returns 125, the status of isola's own errors. */
int net_fail(const struct isola_error *err);
int net_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* After getopt returned '?' or ':': says which flag; returns 125. */
int net_bad_flag(const char *verb, char **argv);

struct isola_netstore;
/* The verbs of `isola network` (network.c, net-create.c). */
int net_create(struct isola_netstore *s, int argc, char **argv);
int net_ls(struct isola_netstore *s, int argc, char **argv);
/* A removed bridge network's device and nftables rules; warns, never fails. */
struct isola_network;
void net_teardown(const struct isola_network *n);

/* `isola network create|ls|inspect|rm|prune|connect|disconnect`. */
int cmd_network(struct netcli *cli, int argc, char **argv);

#endif
