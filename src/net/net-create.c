/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "net/net.h"
#include "netcli.h"

/* `isola network create`, with docker's flags. */

struct create_args {
	struct isola_network n;
	const char *subnet[4], *gateway[4], *range[4]; /* as given, at most 2 used */
	int nsubnet, ngateway, nrange;
	const char *bridge, *parent;
	char **labels;
	size_t nlabels;
};

static int set_copy(char *dst, size_t size, const char *what, const char *val)
{
	if (strlen(val) >= size)
		return net_usage("network create: %s \"%s\" is too long", what, val);
	snprintf(dst, size, "%s", val);
	return 0;
}

/* -o KEY=VALUE: our short keys, and docker's long ones for the same thing. */
static int set_option(struct create_args *a, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t k = eq ? (size_t)(eq - kv) : 0;
	const char *v = eq ? eq + 1 : "";
#define KEY(s) (k == strlen(s) && !strncmp(kv, s, k))
	if (KEY("parent") || KEY("com.docker.network.driver.parent"))
		a->parent = v;
	else if (KEY("isola.bridge") || KEY("com.docker.network.bridge.name"))
		a->bridge = v;
	else if (KEY("mode") || KEY("macvlan_mode") || KEY("ipvlan_mode"))
		return set_copy(a->n.mode, sizeof(a->n.mode), "mode", v);
	else if (KEY("mtu") || KEY("com.docker.network.driver.mtu")) {
		unsigned long long mtu;
		if (isola_parse_u64(v, &mtu) < 0 || mtu < 68 || mtu > 65535)
			return net_usage("network create: invalid mtu \"%s\" (68 to 65535)", v);
		a->n.mtu = (unsigned)mtu;
	} else
		return net_usage("network create: unknown option \"%s\" (parent, mode, mtu, "
				 "isola.bridge)",
				 kv);
#undef KEY
	return 0;
}

static int push(const char **v, int *n, const char *flag, const char *val)
{
	if (*n == 2)
		return net_usage("network create: at most one IPv4 and one IPv6 %s", flag);
	v[(*n)++] = val;
	return 0;
}

static int parse_flags(struct create_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"subnet", required_argument, NULL, 's'},
	    {"gateway", required_argument, NULL, 'g'},
	    {"ip-range", required_argument, NULL, 'r'},
	    {"internal", no_argument, NULL, 'i'},
	    {"ipv6", no_argument, NULL, '6'},
	    {"driver", required_argument, NULL, 'd'},
	    {"opt", required_argument, NULL, 'o'},
	    {"label", required_argument, NULL, 'l'},
	    {0},
	};
	int c, r = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "+d:o:", opts, NULL)) != -1) {
		if (c == 's')
			r = push(a->subnet, &a->nsubnet, "--subnet", optarg);
		else if (c == 'g')
			r = push(a->gateway, &a->ngateway, "--gateway", optarg);
		else if (c == 'r')
			r = push(a->range, &a->nrange, "--ip-range", optarg);
		else if (c == 'i')
			a->n.internal = true;
		else if (c == '6')
			a->n.ipv6 = true;
		else if (c == 'd')
			r = set_copy(a->n.driver, sizeof(a->n.driver), "driver", optarg);
		else if (c == 'o')
			r = set_option(a, optarg);
		else if (c == 'l')
			a->labels[a->nlabels++] = optarg;
		else
			return net_bad_flag("network create", argv);
	}
	return r;
}

static int place_subnets(struct create_args *a, struct isola_error *err)
{
	for (int i = 0; i < a->nsubnet; i++) {
		struct isola_prefix p;
		if (isola_prefix_parse(a->subnet[i], &p, err) < 0)
			return -1;
		struct isola_prefix *dst = p.addr.family == AF_INET ? &a->n.subnet4 : &a->n.subnet6;
		if (dst->addr.family)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "at most one IPv4 and one IPv6 --subnet");
		*dst = p;
	}
	return 0;
}

/* --gateway and --ip-range go with the --subnet of their family. */
static int place_others(struct create_args *a, struct isola_error *err)
{
	for (int i = 0; i < a->ngateway; i++) {
		struct isola_addr g;
		if (isola_addr_parse(a->gateway[i], &g, err) < 0)
			return -1;
		bool v4 = g.family == AF_INET;
		if (!(v4 ? a->n.subnet4 : a->n.subnet6).addr.family)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "gateway %s needs a --subnet of its address family",
					 a->gateway[i]);
		*(v4 ? &a->n.gateway4 : &a->n.gateway6) = g;
	}
	for (int i = 0; i < a->nrange; i++) {
		struct isola_prefix p;
		if (isola_prefix_parse(a->range[i], &p, err) < 0)
			return isola_err_prefix(err, "--ip-range");
		bool v4 = p.addr.family == AF_INET;
		if (!(v4 ? a->n.subnet4 : a->n.subnet6).addr.family)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "ip-range %s needs a --subnet of its address family",
					 a->range[i]);
		*(v4 ? &a->n.range4 : &a->n.range6) = p;
	}
	return 0;
}

static int place_device(struct create_args *a, struct isola_error *err)
{
	bool bridge = !a->n.driver[0] || !strcmp(a->n.driver, "bridge");
	if (a->parent && bridge)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "option parent is for the macvlan and ipvlan drivers");
	if (a->bridge && !bridge)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "option isola.bridge is for the bridge driver");
	const char *dev = bridge ? a->bridge : a->parent;
	if (dev && strlen(dev) >= sizeof(a->n.device))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "interface name \"%s\" is too long",
				 dev);
	if (dev)
		snprintf(a->n.device, sizeof(a->n.device), "%s", dev);
	return 0;
}

int net_create(struct isola_netstore *s, int argc, char **argv)
{
	struct create_args a = {0};
	struct isola_error err = {0};
	cleanup_free char **labels = calloc((size_t)argc + 1, sizeof(char *));
	if (!labels)
		return net_usage("out of memory");
	a.labels = labels;
	int r = parse_flags(&a, argc, argv);
	if (r)
		return r;
	if (argc - optind != 1)
		return net_usage("network create: requires exactly 1 argument (the name)");
	if (set_copy(a.n.name, sizeof(a.n.name), "network name", argv[optind]))
		return 125;
	a.n.labels = labels;
	if (place_subnets(&a, &err) < 0 || place_others(&a, &err) < 0 ||
	    place_device(&a, &err) < 0 || isola_network_create(s, &a.n, &err) < 0)
		return net_fail(&err);
	printf("%s\n", a.n.id);
	return 0;
}
