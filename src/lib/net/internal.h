/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NET_INTERNAL_H
#define ISOLA_NET_INTERNAL_H

/* What addr.c, network.c and ipam.c share; not part of net.h. */
#include <stdint.h>

#include "net/net.h"

struct isola_netstore {
	char *path; /* ROOT/networks */
	int dirfd;
};

/* flock(LOCK_EX) on ROOT/networks/.lock: every read-modify-write of the
 * store and every lease scan holds it. Returns the fd to close. */
int net_lock(struct isola_netstore *s, struct isola_error *err);
/* docker's syntax for network names: [a-zA-Z0-9][a-zA-Z0-9_.-]*. */
int net_name_check(const char *name, struct isola_error *err);
/* The leases of n, sorted by address; the caller holds the lock. */
int net_leases_read(struct isola_netstore *s, const struct isola_network *n,
		    struct isola_lease **out, size_t *cnt, struct isola_error *err);
/* Load <name>.json (name already resolved); NOT_FOUND when missing. */
int net_load_name(struct isola_netstore *s, const char *name, struct isola_network *n,
		  struct isola_error *err);

struct json_object;
/* The stored JSON (docker's inspect shape, Containers empty) and back. */
struct json_object *net_to_json(const struct isola_network *n);
int net_from_json(struct json_object *o, struct isola_network *n);

/* Address arithmetic on the host part: bits of an address as a big number. */
int net_addr_bits(int family); /* 32 or 128 */
int net_addr_cmp(const struct isola_addr *a, const struct isola_addr *b);
/* a + off (wraps within the address space). */
void net_addr_add(struct isola_addr *a, uint64_t off);
/* The last address of p (the broadcast address for IPv4). */
void net_prefix_last(const struct isola_prefix *p, struct isola_addr *out);
/* Number of addresses in p, saturated at UINT64_MAX. */
uint64_t net_prefix_size(const struct isola_prefix *p);
/* The prefix of length len that contains a. */
void net_prefix_of(const struct isola_addr *a, int len, struct isola_prefix *out);

#endif
