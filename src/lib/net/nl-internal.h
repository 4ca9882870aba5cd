/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NET_NL_INTERNAL_H
#define ISOLA_NET_NL_INTERNAL_H

/* What nl.c gives nl-link.c and nl-addr.c: one request, its replies, its ack. */
#include <libmnl/libmnl.h>

#include "net/net.h"

/* A new request in the socket's buffer: NLM_F_REQUEST, a fresh sequence
 * number and, unless it is a dump, NLM_F_ACK, so that every request ends in
 * a reply we wait for (success included) and no error goes unseen. */
struct nlmsghdr *isola_nl_msg(struct isola_nl *nl, uint16_t type, uint16_t flags);

/* Send nlh and read until its ack (or NLMSG_DONE for a dump); cb (may be
 * NULL) sees every other reply and returns MNL_CB_OK, or MNL_CB_ERROR having
 * filled err itself. A kernel error becomes err with the kernel's errno, its
 * extended ack message when it gave one, and the kind the errno implies
 * (EEXIST: exists, ENODEV: not found...). cb must not use nl. */
int isola_nl_talk(struct isola_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		  struct isola_error *err);

/* A valid interface name (what the kernel's dev_valid_name takes). */
int isola_nl_check_name(const char *name, struct isola_error *err);

/* The ifindex of an existing link; -1 with ISOLA_ERR_NOT_FOUND
 * (`link "NAME" does not exist`) when there is none. */
int isola_nl_index_of(struct isola_nl *nl, const char *name, struct isola_error *err);

#endif
