/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * isola-net up|down ROOT RUNROOT ID: a container's network at each start
 * and after its end, run by its monitor (src/lib/monitor/net.c).
 *
 * up runs in the host's netns with the container's new netns as fd 3: it
 * makes the network's bridge when missing (with its gateway address, NAT and
 * forwarding), a veth pair per network whose container end is created
 * inside the container's netns under its final name (eth0, eth1...), the
 * addresses and the default route, and the DNAT of the published ports.
 *
 * down removes the published ports' DNAT of the container's addresses (its
 * leases: it works without the record, after a crash too). Its links need
 * nothing: they died with the container's netns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "manager/internal.h"
#include "net/net.h"
#include "updown.h"

#define CTR_NETNS_FD 3

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

static int write_sysctl_once(const char *key, struct isola_error *err)
{
	char path[256], cur[8] = "";
	snprintf(path, sizeof(path), "/proc/sys/net/%s", key);
	FILE *f = fopen(path, "re");
	if (f) {
		(void)!fgets(cur, sizeof(cur), f);
		fclose(f);
	}
	return cur[0] == '1' ? 0 : isola_net_sysctl(key, "1", err);
}

/* The network's bridge, its gateway addresses, forwarding and NAT: made
 * when missing, checked each time (two starts may race to make it). */
static int ensure_bridge(struct net_ctx *u, const struct isola_network *n, struct isola_error *err)
{
	struct isola_error e2 = {0};
	struct isola_link_opts o = {.name = n->device, .mtu = n->mtu, .netns_fd = -1};
	int idx = isola_link_index(u->host, n->device, err);
	if (idx < 0)
		return -1;
	if (idx == 0 && isola_link_add_bridge(u->host, &o, &e2) < 0 && e2.kind != ISOLA_ERR_EXISTS)
		return isola_err(err, e2.kind, e2.errnum, "%s", e2.msg);
	if ((n->gateway4.family &&
	     isola_addr_add(u->host, n->device, &n->gateway4, n->subnet4.len, err) < 0) ||
	    (n->gateway6.family &&
	     isola_addr_add(u->host, n->device, &n->gateway6, n->subnet6.len, err) < 0) ||
	    isola_link_set_up(u->host, n->device, true, err) < 0)
		return -1;
	char key[128];
	snprintf(key, sizeof(key), "ipv4/conf/%s/route_localnet", n->device);
	if ((!n->internal && write_sysctl_once("ipv4/ip_forward", err) < 0) ||
	    write_sysctl_once(key, err) < 0 ||
	    (n->ipv6 && !n->internal && write_sysctl_once("ipv6/conf/all/forwarding", err) < 0))
		return -1;
	struct isola_nft_net nn = {
	    .bridge = n->device, .v4 = n->subnet4, .v6 = n->subnet6, .internal = n->internal};
	return isola_nft_network_add(&nn, err);
}

/* The container's end of one network: a veth on the bridge, or a
 * macvlan/ipvlan on the parent, created in the container's netns. */
static int make_link(struct net_ctx *u, const struct isola_network *n, const char *ifname, int idx,
		     const uint8_t *mac, struct isola_error *err)
{
	struct isola_link_opts c = {
	    .name = ifname, .mtu = n->mtu, .mac = mac, .netns_fd = u->ctr_fd};
	if (!strcmp(n->driver, "macvlan"))
		return isola_link_add_macvlan(u->host, &c, n->device, *n->mode ? n->mode : "bridge",
					      err);
	if (!strcmp(n->driver, "ipvlan")) {
		c.mac = NULL; /* ipvlan links share the parent's MAC */
		return isola_link_add_ipvlan(u->host, &c, n->device, *n->mode ? n->mode : "l2",
					     err);
	}
	char host[16];
	snprintf(host, sizeof(host), "vi%.10s%d", u->id, idx % 10);
	struct isola_link_opts h = {.name = host, .mtu = n->mtu, .netns_fd = -1};
	if (ensure_bridge(u, n, err) < 0 || isola_link_del(u->host, host, err) < 0 ||
	    isola_link_add_veth(u->host, &h, &c, err) < 0)
		return -1;
	return isola_link_set_master(u->host, host, n->device, err) < 0 ||
		       isola_link_set_hairpin(u->host, host, true, err) < 0 ||
		       isola_link_set_up(u->host, host, true, err) < 0
		   ? -1
		   : 0;
}

static int addr_of(struct json_object *e, const char *key, struct isola_addr *a)
{
	const char *s = mgr_str(e, key, "");
	*a = (struct isola_addr){0};
	return *s ? isola_addr_parse(s, a, NULL) : -1;
}

int net_join(struct net_ctx *u, const char *name, struct json_object *e, int idx,
	     struct isola_error *err)
{
	struct isola_network n;
	if (isola_network_load(u->s, name, &n, err) < 0)
		return -1;
	char ifname[16];
	snprintf(ifname, sizeof(ifname), "%s", mgr_str(e, "IfName", ""));
	if (!*ifname)
		snprintf(ifname, sizeof(ifname), "eth%d", idx);
	uint8_t mac[6];
	bool has_mac = parse_mac(mgr_str(e, "MacAddress", ""), mac) == 0;
	if (make_link(u, &n, ifname, idx, has_mac ? mac : NULL, err) < 0)
		return isola_err_prefix(err, "network %s", name);
	struct isola_addr a4, a6;
	bool v4 = addr_of(e, "IPAddress", &a4) == 0, v6 = addr_of(e, "GlobalIPv6Address", &a6) == 0;
	if ((v4 && isola_addr_add(u->ctr, ifname, &a4, n.subnet4.len, err) < 0) ||
	    (v6 && isola_addr_add(u->ctr, ifname, &a6, n.subnet6.len, err) < 0) ||
	    isola_link_set_up(u->ctr, ifname, true, err) < 0)
		return isola_err_prefix(err, "network %s", name);
	/* The default routes go through the first network that has a way out. */
	if (idx == 0 && !n.internal) {
		if ((v4 && n.gateway4.family &&
		     isola_route_add(u->ctr, NULL, &n.gateway4, ifname, err) < 0) ||
		    (v6 && n.gateway6.family &&
		     isola_route_add(u->ctr, NULL, &n.gateway6, ifname, err) < 0))
			return isola_err_prefix(err, "network %s: default route", name);
	}
	return 0;
}

static bool same_key(const struct isola_nft_port *a, const struct isola_nft_port *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       a->host_ip.family == b->host_ip.family &&
	       !memcmp(a->host_ip.bytes, b->host_ip.bytes, a->host_ip.family == AF_INET6 ? 16 : 4);
}

static int drop_stale(const struct isola_nft_port *want, size_t n, struct isola_error *err)
{
	struct isola_nft_port *have = NULL;
	size_t nh = 0, keep = 0;
	if (isola_nft_ports_list(&have, &nh, err) < 0)
		return -1;
	for (size_t i = 0; i < nh; i++) {
		bool stale = false;
		for (size_t j = 0; j < n && !stale; j++)
			stale = same_key(&have[i], &want[j]);
		if (stale)
			have[keep++] = have[i];
	}
	int r = keep ? isola_nft_ports_del(have, keep, err) : 0;
	free(have);
	return r;
}

/* NetworkSettings.Ports (what the monitor bound) as DNAT to the first network's address. */
static int publish(struct net_ctx *u, struct json_object *rec, struct isola_error *err)
{
	struct json_object *ns = mgr_obj(rec, "NetworkSettings");
	struct isola_addr ctr = {0};
	json_object_object_foreach(mgr_obj(ns, "Networks"), name, e)
	{
		(void)name;
		if (addr_of(e, "IPAddress", &ctr) == 0)
			break;
	}
	struct isola_nft_port p[256];
	size_t n = 0;
	json_object_object_foreach(mgr_obj(ns, "Ports"), key, list)
	{
		long cport = atol(key);
		int proto = strstr(key, "/udp") ? IPPROTO_UDP : IPPROTO_TCP;
		for (size_t i = 0; list && i < json_object_array_length(list) && n < 256; i++) {
			struct json_object *b = json_object_array_get_idx(list, i);
			const char *hip = mgr_str(b, "HostIp", "");
			p[n] = (struct isola_nft_port){
			    .proto = proto,
			    .ctr_ip = ctr,
			    .ctr_port = (uint16_t)cport,
			    .host_port = (uint16_t)atol(mgr_str(b, "HostPort", "0"))};
			if (*hip && strcmp(hip, "0.0.0.0") &&
			    isola_addr_parse(hip, &p[n].host_ip, err) < 0)
				return -1;
			n++;
		}
	}
	if (n && !ctr.family)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "published ports need an IPv4 network");
	if (n == 0 || isola_nft_ports_add(p, n, err) == 0)
		return 0;
	if (err->kind != ISOLA_ERR_EXISTS)
		return -1;
	/* Our monitor holds these host ports: a rule that has them already was
	 * left by a container whose monitor died with it. It goes. */
	isola_err_clear(err);
	return drop_stale(p, n, err) < 0 ? -1 : isola_nft_ports_add(p, n, err);
}

static int up(struct net_ctx *u, struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(&u->m, u->id, err);
	if (!rec)
		return -1;
	int idx = 0, r = 0;
	json_object_object_foreach(mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks"), name, e)
	{
		if (r == 0)
			r = net_join(u, name, e, idx++, err);
	}
	if (r == 0)
		r = isola_link_set_up(u->ctr, "lo", true, err);
	if (r == 0)
		r = publish(u, rec, err);
	json_object_put(rec);
	return r;
}

/* id's addresses on every network (its leases). *out malloc'ed. */
static int my_addrs(struct net_ctx *u, struct isola_addr **out, size_t *n, struct isola_error *err)
{
	struct isola_network *nets = NULL;
	size_t nn = 0;
	*out = NULL;
	*n = 0;
	if (isola_network_list(u->s, &nets, &nn, err) < 0)
		return -1;
	for (size_t k = 0; k < nn; k++) {
		struct isola_lease *l = NULL;
		size_t nl = 0;
		if (isola_ipam_list(u->s, &nets[k], &l, &nl, NULL) < 0)
			continue;
		for (size_t j = 0; j < nl; j++) {
			struct isola_addr *na = strcmp(l[j].owner, u->id)
						    ? NULL
						    : realloc(*out, (*n + 1) * sizeof(**out));
			if (na) {
				*out = na;
				(*out)[(*n)++] = l[j].addr;
			}
		}
		free(l);
	}
	free(nets);
	return 0;
}

/* The DNAT of every published port that points at one of id's addresses. */
static int down(struct net_ctx *u, struct isola_error *err)
{
	struct isola_addr *mine = NULL;
	struct isola_nft_port *p = NULL;
	size_t nm = 0, np = 0, keep = 0;
	int r = my_addrs(u, &mine, &nm, err);
	if (r == 0 && nm)
		r = isola_nft_ports_list(&p, &np, err);
	for (size_t i = 0; r == 0 && i < np; i++) {
		bool match = false;
		for (size_t j = 0; j < nm && !match; j++)
			match = mine[j].family == p[i].ctr_ip.family &&
				!memcmp(mine[j].bytes, p[i].ctr_ip.bytes,
					mine[j].family == AF_INET ? 4 : 16);
		if (match)
			p[keep++] = p[i];
	}
	if (r == 0 && keep)
		r = isola_nft_ports_del(p, keep, err);
	free(p);
	free(mine);
	return r;
}

int net_updown_main(int argc, char **argv)
{
	if (argc != 5) {
		fputs("isola-net: up|down ROOT RUNROOT ID (run by isola's monitor)\n", stderr);
		return 2;
	}
	struct isola_error err = {0};
	struct net_ctx u = {.id = argv[4], .ctr_fd = CTR_NETNS_FD};
	bool is_up = !strcmp(argv[1], "up");
	int r = isola_mgr_open(argv[2], argv[3], &u.m, &err);
	if (r == 0 && !(u.s = isola_netstore_open(argv[2], &err)))
		r = -1;
	if (r == 0 && is_up && !(u.host = isola_nl_open(-1, &err)))
		r = -1;
	if (r == 0 && is_up && !(u.ctr = isola_nl_open(CTR_NETNS_FD, &err)))
		r = -1;
	if (r == 0)
		r = is_up ? up(&u, &err) : down(&u, &err);
	if (u.ctr)
		isola_nl_close(u.ctr);
	if (u.host)
		isola_nl_close(u.host);
	if (u.s)
		isola_netstore_close(u.s);
	if (u.m.store)
		isola_mgr_close(&u.m);
	if (r < 0)
		fprintf(stderr, "isola-net: %s\n", err.msg);
	return r < 0 ? 125 : 0;
}
