/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NET_UPDOWN_H
#define ISOLA_NET_UPDOWN_H

#include <json-c/json.h>

#include "manager/internal.h"
#include "net/net.h"

/* isola-net up|down ROOT RUNROOT ID: a container's network, for its monitor. */
int net_updown_main(int argc, char **argv);

struct net_ctx {
	struct isola_mgr m;
	struct isola_netstore *s;
	struct isola_nl *host, *ctr; /* rtnetlink in the host's and the container's netns */
	int ctr_fd;		     /* the container's netns */
	const char *id;
};
/* The links, addresses and routes of one network of a record (entry e) in
 * the container's netns; idx: its place (eth<idx> when the entry names none). */
int net_join(struct net_ctx *u, const char *name, struct json_object *e, int idx,
	     struct isola_error *err);
/* isola-net network connect|disconnect ... */
int net_connect_main(int argc, char **argv, bool connect);

#endif
