/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NET_H
#define ISOLA_NET_H

/*
 * Container networking (issue 13): three parts, one file group each.
 *   nl*.c      rtnetlink through libmnl: links, addresses, routes, sysctls
 *   nft.c      NAT, port publishing and isolation in one nftables table of
 *              isola's own ("inet isola"), through libnftables
 *   ipam.c, network.c
 *              the network store (ROOT/networks) and address leases
 * None of it prints or exits. Everything works in the network namespace the
 * caller is in, unless a netns fd is passed; tests run it under `unshare -n`.
 * libisola-net.a links libmnl and libnftables; only the dynamic helper
 * program isola-net (libexec) and the tests link it, never the static
 * `isola` front or isola-monitor.
 */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isola/error.h"

/* ---- addresses ---------------------------------------------------------- */

struct isola_addr {
	int family; /* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

struct isola_prefix {
	struct isola_addr addr; /* the network address (host bits zero) */
	int len;		/* prefix length */
};

/* "10.0.0.1" / "fd00::1"; -1 with ISOLA_ERR_INVALID on anything else. */
int isola_addr_parse(const char *s, struct isola_addr *a, struct isola_error *err);
/* "10.0.0.0/24"; host bits set is ISOLA_ERR_INVALID ("... has host bits set"). */
int isola_prefix_parse(const char *s, struct isola_prefix *p, struct isola_error *err);
/* Text forms into buf (INET6_ADDRSTRLEN + 4 is always enough). */
const char *isola_addr_str(const struct isola_addr *a, char *buf, size_t len);
const char *isola_prefix_str(const struct isola_prefix *p, char *buf, size_t len);
bool isola_prefix_contains(const struct isola_prefix *p, const struct isola_addr *a);
bool isola_prefix_overlaps(const struct isola_prefix *a, const struct isola_prefix *b);

/* ---- rtnetlink (nl.c, nl-link.c, nl-addr.c) ----------------------------- */

struct isola_nl; /* one NETLINK_ROUTE socket, bound to the netns it was opened in */

/* netns_fd < 0: the caller's netns; else the socket is opened inside that
 * netns (setns there and back: callers are single-threaded). */
struct isola_nl *isola_nl_open(int netns_fd, struct isola_error *err);
void isola_nl_close(struct isola_nl *nl);

/* ifindex, or 0 when no such link (not an error). */
int isola_link_index(struct isola_nl *nl, const char *name, struct isola_error *err);

struct isola_link_opts {
	const char *name;
	unsigned mtu;	    /* 0: kernel default */
	const uint8_t *mac; /* 6 bytes or NULL */
	int netns_fd;	    /* >= 0: create the link (or veth peer) in that netns */
};
/* Each returns -1 with ISOLA_ERR_EXISTS when the name is taken. */
int isola_link_add_bridge(struct isola_nl *nl, const struct isola_link_opts *o,
			  struct isola_error *err);
int isola_link_add_dummy(struct isola_nl *nl, const struct isola_link_opts *o,
			 struct isola_error *err);
/* host: the end that stays here; peer: created directly in peer->netns_fd (if
 * >= 0) under its final name (e.g. "eth0"), with its own mtu/mac. */
int isola_link_add_veth(struct isola_nl *nl, const struct isola_link_opts *host,
			const struct isola_link_opts *peer, struct isola_error *err);
/* macvlan (mode "bridge", "private", "vepa", "passthru") or ipvlan (mode "l2",
 * "l3", "l3s") on parent, created in o->netns_fd when >= 0. */
int isola_link_add_macvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent,
			   const char *mode, struct isola_error *err);
int isola_link_add_ipvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent,
			  const char *mode, struct isola_error *err);
/* Missing link: 0 (deletion is idempotent). */
int isola_link_del(struct isola_nl *nl, const char *name, struct isola_error *err);
int isola_link_set_up(struct isola_nl *nl, const char *name, bool up, struct isola_error *err);
int isola_link_set_master(struct isola_nl *nl, const char *name, const char *master,
			  struct isola_error *err);
/* The link's MAC (6 bytes) into mac. */
int isola_link_get_mac(struct isola_nl *nl, const char *name, uint8_t mac[6],
		       struct isola_error *err);
/* Bridge port flag: hairpin mode on the bridge port `name` (reflective relay,
 * so a container reaches its own published port through the bridge). */
int isola_link_set_hairpin(struct isola_nl *nl, const char *name, bool on, struct isola_error *err);
/* Add an address (with prefix length) to a link; EEXIST is not an error. IPv6
 * addresses are added with IFA_F_NODAD so they are usable at once. */
int isola_addr_add(struct isola_nl *nl, const char *ifname, const struct isola_addr *a,
		   int prefixlen, struct isola_error *err);
/* A route to dst (NULL: default route) via gw (NULL: on-link) out of ifname. */
int isola_route_add(struct isola_nl *nl, const struct isola_prefix *dst,
		    const struct isola_addr *gw, const char *ifname, struct isola_error *err);
/* Call fn for each IPv4/IPv6 route prefix of the main table (to check a new
 * subnet against the host's networks). fn returns non-zero to stop. */
int isola_route_each(struct isola_nl *nl,
		     int (*fn)(void *data, const struct isola_prefix *p, const char *ifname),
		     void *data, struct isola_error *err);
/* Write "/proc/sys/net/..." (key like "ipv4/ip_forward" or
 * "ipv4/conf/isola0/route_localnet") in the caller's netns. */
int isola_net_sysctl(const char *key, const char *value, struct isola_error *err);

/* ---- nftables (nft.c): table "inet isola" and nothing else --------------- */

struct isola_nft_net {
	const char *bridge;	    /* the bridge device, e.g. "isola0" */
	struct isola_prefix v4, v6; /* family 0 = none */
	bool internal;		    /* no way out: no masquerade, forward to/from
				       outside the bridge dropped */
};
/* Idempotent: creates the table and base chains when missing and the
 * network's rules (masquerade of its subnets leaving by another interface,
 * forward accept, hairpin and 127.0.0.1 masquerade for published ports). */
int isola_nft_network_add(const struct isola_nft_net *n, struct isola_error *err);
/* Removes the network's rules; when no network is left, the table. */
int isola_nft_network_del(const char *bridge, struct isola_error *err);

struct isola_nft_port {
	int proto;		   /* IPPROTO_TCP or IPPROTO_UDP */
	struct isola_addr host_ip; /* family 0 = every address of the host */
	uint16_t host_port;
	struct isola_addr ctr_ip; /* family decides ip or ip6 */
	uint16_t ctr_port;
};
/* DNAT of published ports, from outside (prerouting), from the host itself
 * including 127.0.0.1 (output), and from containers on the bridge (hairpin).
 * Added all or none. */
int isola_nft_ports_add(const struct isola_nft_port *p, size_t n, struct isola_error *err);
/* Removes exactly these (missing ones are not an error). */
int isola_nft_ports_del(const struct isola_nft_port *p, size_t n, struct isola_error *err);
/* Every published port now in the table (for prune: a port whose ctr_ip has no
 * running container is stale). *out malloc'ed. */
int isola_nft_ports_list(struct isola_nft_port **out, size_t *n, struct isola_error *err);
/* Delete the whole table (tests, `isola network prune` with nothing left). */
int isola_nft_flush(struct isola_error *err);

/* ---- the network store and IPAM (network.c, ipam.c) --------------------- */

/* ROOT/networks/<name>.json holds one network in docker's `network inspect`
 * shape; ROOT/networks/<name>.leases/ its leases; ROOT/networks/.lock the lock. */
#define ISOLA_NET_DEFAULT "isola" /* the default network's name */
#define ISOLA_NET_DEFAULT_BRIDGE "isola0"

struct isola_network {
	char name[64];
	char id[65];	 /* 64 hex */
	char driver[16]; /* "bridge", "macvlan", "ipvlan" */
	char device[16]; /* bridge name for "bridge"; parent interface otherwise */
	char mode[16];	 /* macvlan/ipvlan mode; "" = default */
	char created[40];
	bool internal, ipv6;
	unsigned mtu;			      /* 0 = default (1500) */
	struct isola_prefix subnet4, subnet6; /* family 0: none */
	struct isola_addr gateway4, gateway6; /* first address by default */
	struct isola_prefix range4, range6;   /* --ip-range: where dynamic leases come from */
	/* Input of isola_network_create only: "KEY=VALUE" strings, NULL-terminated
	 * (load leaves it NULL; the labels are in isola_network_json's output). */
	char *const *labels;
};

struct isola_netstore; /* an open ROOT/networks */
struct isola_netstore *isola_netstore_open(const char *root, struct isola_error *err);
void isola_netstore_close(struct isola_netstore *s);

/* Fill the defaults (id, created, subnet from the pool when none given,
 * gateway, bridge name "isola-<id12>" for user bridges), check (name syntax
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, gateway and range inside the subnet, no overlap
 * with another isola network), write. ISOLA_ERR_EXISTS for a taken name. */
int isola_network_create(struct isola_netstore *s, struct isola_network *n,
			 struct isola_error *err);
/* The default network is made on first use (isola0, 10.87.0.0/16). */
int isola_network_ensure_default(struct isola_netstore *s, struct isola_network *n,
				 struct isola_error *err);
/* By name, full id or unique id prefix. ISOLA_ERR_NOT_FOUND. */
int isola_network_load(struct isola_netstore *s, const char *ref, struct isola_network *n,
		       struct isola_error *err);
/* Sorted by name; *out malloc'ed. */
int isola_network_list(struct isola_netstore *s, struct isola_network **out, size_t *n,
		       struct isola_error *err);
/* ISOLA_ERR_BUSY ("network NAME is in use by container ID") while a lease is held. */
int isola_network_remove(struct isola_netstore *s, const char *name, struct isola_error *err);
/* docker's inspect JSON of one network (with its leases as "Containers"),
 * malloc'ed. */
char *isola_network_json(struct isola_netstore *s, const struct isola_network *n,
			 struct isola_error *err);

/* A lease: container `owner` holds address `addr` on network `net`. Leases
 * are files (atomic with O_EXCL, under the store lock) and survive crashes;
 * they go only by isola_ipam_release. want NULL or want->family 0: the next
 * free address of the range of `family` (AF_INET6: the IPv6 subnet; AF_INET
 * or 0: the IPv4 one), never the network, gateway or broadcast address; else
 * that address (its own family; `family` is ignored), ISOLA_ERR_INVALID
 * outside the subnet, ISOLA_ERR_EXISTS if taken by another owner. The same
 * owner asking again gets its own lease back. */
int isola_ipam_lease(struct isola_netstore *s, const struct isola_network *net, const char *owner,
		     int family, const struct isola_addr *want, struct isola_addr *out,
		     struct isola_error *err);
/* Frees every lease of owner on net (net NULL: on every network). */
int isola_ipam_release(struct isola_netstore *s, const struct isola_network *net, const char *owner,
		       struct isola_error *err);
struct isola_lease {
	char owner[65];
	struct isola_addr addr;
};
int isola_ipam_list(struct isola_netstore *s, const struct isola_network *net,
		    struct isola_lease **out, size_t *n, struct isola_error *err);

#endif
