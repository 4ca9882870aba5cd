/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "net/internal.h"

/* Creating and removing networks: defaults, checks, then one atomic write. */

static int random_bytes(uint8_t *buf, size_t len, struct isola_error *err)
{
	if (getrandom(buf, len, 0) != (ssize_t)len)
		return isola_err_sys(err, "getrandom");
	return 0;
}

static int new_id(char id[65], struct isola_error *err)
{
	uint8_t r[32];
	if (random_bytes(r, sizeof(r), err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(id + 2 * i, 3, "%02x", r[i]);
	return 0;
}

/* The network name whose subnet overlaps p, or NULL. */
static const char *overlapping(const struct isola_prefix *p, const struct isola_network *all,
			       size_t cnt, const struct isola_prefix **with)
{
	for (size_t i = 0; i < cnt; i++) {
		*with = isola_prefix_overlaps(p, &all[i].subnet4)   ? &all[i].subnet4
			: isola_prefix_overlaps(p, &all[i].subnet6) ? &all[i].subnet6
								    : NULL;
		if (*with)
			return all[i].name;
	}
	return NULL;
}

/* User networks without --subnet: the first 10.86.N.0/24 no network uses. */
static int pool_subnet4(struct isola_prefix *out, const struct isola_network *all, size_t cnt,
			struct isola_error *err)
{
	const struct isola_prefix *with;
	for (int i = 0; i < 256; i++) {
		*out = (struct isola_prefix){.addr.family = AF_INET, .len = 24};
		out->addr.v4.s_addr = htonl(0x0a560000u | (unsigned)i << 8);
		if (!overlapping(out, all, cnt, &with))
			return 0;
	}
	*out = (struct isola_prefix){0};
	return isola_err(err, ISOLA_ERR_BUSY, 0,
			 "no free subnet left in 10.86.0.0/16: give one with --subnet");
}

/* A unique local /64 (RFC 4193): fd, a random 40-bit global id, subnet 0. */
static int pool_subnet6(struct isola_prefix *out, const struct isola_network *all, size_t cnt,
			struct isola_error *err)
{
	const struct isola_prefix *with;
	for (int tries = 0; tries < 16; tries++) {
		*out = (struct isola_prefix){.addr.family = AF_INET6, .len = 64};
		out->addr.bytes[0] = 0xfd;
		if (random_bytes(out->addr.bytes + 1, 5, err) < 0)
			return -1;
		if (!overlapping(out, all, cnt, &with))
			return 0;
	}
	return isola_err(err, ISOLA_ERR_BUSY, 0, "no free IPv6 subnet found");
}

static int check_driver(struct isola_network *n, struct isola_error *err)
{
	static const struct {
		const char *driver, *modes[5]; /* modes[0]: the kernel's default */
	} drivers[] = {
	    {"bridge", {NULL}},
	    {"macvlan", {"bridge", "private", "vepa", "passthru", NULL}},
	    {"ipvlan", {"l2", "l3", "l3s", NULL}},
	};
	if (!n->driver[0])
		snprintf(n->driver, sizeof(n->driver), "bridge");
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		if (strcmp(n->driver, drivers[i].driver))
			continue;
		if (!n->mode[0])
			return 0;
		for (const char *const *m = drivers[i].modes; *m; m++) {
			if (!strcmp(n->mode, *m))
				return 0;
		}
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid mode \"%s\" for driver %s",
				 n->mode, n->driver);
	}
	return isola_err(err, ISOLA_ERR_INVALID, 0,
			 "unknown driver \"%s\" (bridge, macvlan or ipvlan)", n->driver);
}

static int fill_defaults(struct isola_network *n, const struct isola_network *all, size_t cnt,
			 struct isola_error *err)
{
	if (check_driver(n, err) < 0 || (!n->id[0] && new_id(n->id, err) < 0))
		return -1;
	if (!n->created[0]) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		isola_rfc3339(&ts, true, n->created, sizeof(n->created));
	}
	if (n->subnet6.addr.family)
		n->ipv6 = true;
	if (!n->subnet4.addr.family && pool_subnet4(&n->subnet4, all, cnt, err) < 0)
		return -1;
	if (n->ipv6 && !n->subnet6.addr.family && pool_subnet6(&n->subnet6, all, cnt, err) < 0)
		return -1;
	if (!n->gateway4.family) {
		n->gateway4 = n->subnet4.addr;
		net_addr_add(&n->gateway4, 1);
	}
	if (n->subnet6.addr.family && !n->gateway6.family) {
		n->gateway6 = n->subnet6.addr;
		net_addr_add(&n->gateway6, 1);
	}
	/* IFNAMSIZ: 15 characters, so "isola-" and 9 of the id (docker: "br-" + 12). */
	if (!n->device[0] && !strcmp(n->driver, "bridge"))
		snprintf(n->device, sizeof(n->device), "isola-%.9s", n->id);
	return 0;
}

static int check_family(const struct isola_prefix *subnet, const struct isola_addr *gw,
			const struct isola_prefix *range, int family, struct isola_error *err)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];
	struct isola_addr last;
	if (!subnet->addr.family)
		return 0;
	if (subnet->addr.family != family)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "subnet %s: wrong address family",
				 isola_prefix_str(subnet, a, sizeof(a)));
	if (subnet->len > net_addr_bits(family) - 2)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "subnet %s is too small",
				 isola_prefix_str(subnet, a, sizeof(a)));
	net_prefix_last(subnet, &last);
	if (!isola_prefix_contains(subnet, gw) || !net_addr_cmp(gw, &subnet->addr) ||
	    (family == AF_INET && !net_addr_cmp(gw, &last)))
		return isola_err(
		    err, ISOLA_ERR_INVALID, 0, "gateway %s is not a host address of subnet %s",
		    isola_addr_str(gw, a, sizeof(a)), isola_prefix_str(subnet, b, sizeof(b)));
	if (range->addr.family &&
	    (!isola_prefix_contains(subnet, &range->addr) || range->len < subnet->len))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "ip-range %s is not in subnet %s",
				 isola_prefix_str(range, a, sizeof(a)),
				 isola_prefix_str(subnet, b, sizeof(b)));
	return 0;
}

static int check_new(const struct isola_network *n, const struct isola_network *all, size_t cnt,
		     struct isola_error *err)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8];
	const struct isola_prefix *with;
	const char *other;
	if (check_family(&n->subnet4, &n->gateway4, &n->range4, AF_INET, err) < 0 ||
	    check_family(&n->subnet6, &n->gateway6, &n->range6, AF_INET6, err) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct isola_prefix *p = i ? &n->subnet6 : &n->subnet4;
		if ((other = overlapping(p, all, cnt, &with)))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "subnet %s overlaps with %s of network \"%s\"",
					 isola_prefix_str(p, a, sizeof(a)),
					 isola_prefix_str(with, b, sizeof(b)), other);
	}
	if (strlen(n->device) >= IFNAMSIZ)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "interface name \"%s\" is too long (at most 15 characters)",
				 n->device);
	for (size_t i = 0; i < cnt && !strcmp(n->driver, "bridge"); i++) {
		if (!strcmp(all[i].driver, "bridge") && !strcmp(all[i].device, n->device))
			return isola_err(err, ISOLA_ERR_EXISTS, 0,
					 "bridge \"%s\" belongs to network \"%s\"", n->device,
					 all[i].name);
	}
	return 0;
}

static int write_network(struct isola_netstore *s, const struct isola_network *n,
			 struct isola_error *err)
{
	char path[128];
	size_t len;
	/* Leases left by a crash in the middle of a remove of the same name. */
	snprintf(path, sizeof(path), "%s.leases", n->name);
	if (isola_rmtree_at(s->dirfd, path, err) < 0)
		return -1;
	struct json_object *o = net_to_json(n);
	const char *text = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	snprintf(path, sizeof(path), "%s.json", n->name);
	int r = isola_write_file_atomic(s->dirfd, path, text, len, 0600, true, err);
	json_object_put(o);
	return r;
}

static int create_locked(struct isola_netstore *s, struct isola_network *n, struct isola_error *err)
{
	cleanup_free struct isola_network *all = NULL;
	size_t cnt = 0;
	if (isola_network_list(s, &all, &cnt, err) < 0)
		return -1;
	for (size_t i = 0; i < cnt; i++) {
		if (!strcmp(all[i].name, n->name))
			return isola_err(err, ISOLA_ERR_EXISTS, 0,
					 "network with name %s already exists", n->name);
	}
	if (fill_defaults(n, all, cnt, err) < 0 || check_new(n, all, cnt, err) < 0)
		return -1;
	return write_network(s, n, err);
}

static bool reserved(const char *name)
{
	return !strcmp(name, ISOLA_NET_DEFAULT) || !strcmp(name, "host") || !strcmp(name, "none") ||
	       !strcmp(name, "bridge") || !strcmp(name, "default");
}

int isola_network_create(struct isola_netstore *s, struct isola_network *n, struct isola_error *err)
{
	if (net_name_check(n->name, err) < 0)
		return -1;
	if (reserved(n->name))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "network name \"%s\" is reserved",
				 n->name);
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0)
		return -1;
	return create_locked(s, n, err);
}

int isola_network_ensure_default(struct isola_netstore *s, struct isola_network *n,
				 struct isola_error *err)
{
	struct isola_error lerr = {0};
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0)
		return -1;
	if (net_load_name(s, ISOLA_NET_DEFAULT, n, &lerr) == 0)
		return 0;
	if (lerr.kind != ISOLA_ERR_NOT_FOUND)
		return isola_err(err, lerr.kind, lerr.errnum, "%s", lerr.msg);
	*n = (struct isola_network){
	    .name = ISOLA_NET_DEFAULT, .driver = "bridge", .device = ISOLA_NET_DEFAULT_BRIDGE};
	isola_prefix_parse("10.87.0.0/16", &n->subnet4, NULL);
	isola_addr_parse("10.87.0.1", &n->gateway4, NULL);
	if (create_locked(s, n, err) < 0)
		return isola_err_prefix(err, "default network \"%s\"", ISOLA_NET_DEFAULT);
	return 0;
}

int isola_network_remove(struct isola_netstore *s, const char *name, struct isola_error *err)
{
	struct isola_network n;
	cleanup_free struct isola_lease *leases = NULL;
	size_t cnt = 0;
	char path[128];
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0 || net_load_name(s, name, &n, err) < 0)
		return -1;
	if (!strcmp(n.name, ISOLA_NET_DEFAULT))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s is a pre-defined network and cannot be removed", n.name);
	if (net_leases_read(s, &n, &leases, &cnt, err) < 0)
		return -1;
	if (cnt)
		return isola_err(err, ISOLA_ERR_BUSY, 0, "network %s is in use by container %.12s",
				 n.name, leases[0].owner);
	/* The file first: once it is gone, a crash leaves only stray leases,
	 * which a create of the same name clears. */
	snprintf(path, sizeof(path), "%s.json", n.name);
	if (unlinkat(s->dirfd, path, 0) < 0)
		return isola_err_sys(err, "remove \"%s/%s\"", s->path, path);
	snprintf(path, sizeof(path), "%s.leases", n.name);
	return isola_rmtree_at(s->dirfd, path, err);
}
