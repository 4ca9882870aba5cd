/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test driver for src/lib/net/nft*.c (tests/net/nft.bats):
 *   nfttest net-add BRIDGE CIDR [CIDR6] [--internal]
 *   nfttest net-del BRIDGE
 *   nfttest port-add|port-del PROTO [HOSTIP] HOSTPORT CTRIP CTRPORT [+ PROTO ...]
 *   nfttest ports          one line each: PROTO [HOSTIP] HOSTPORT CTRIP CTRPORT
 *   nfttest flush
 * Addresses are parsed here (inet_pton), not by the library, so these tests
 * depend on nft.c alone.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

static int die(const char *msg)
{
	fprintf(stderr, "nfttest: %s\n", msg);
	return 1;
}

static int addr(const char *s, struct isola_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(a->family, s, a->bytes) == 1 ? 0 : -1;
}

static int prefix(const char *s, struct isola_prefix *p)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	p->len = atoi(slash + 1);
	return addr(buf, &p->addr);
}

static int port_num(const char *s, uint16_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* One spec of 4 or 5 words at argv; returns the words used or -1. */
static int port_spec(int argc, char **argv, struct isola_nft_port *p)
{
	int n = 0;
	while (n < argc && strcmp(argv[n], "+") != 0)
		n++;
	if (n != 4 && n != 5)
		return -1;
	memset(p, 0, sizeof(*p));
	p->proto = strcmp(argv[0], "tcp") == 0 ? IPPROTO_TCP :
		   strcmp(argv[0], "udp") == 0 ? IPPROTO_UDP : atoi(argv[0]);
	int i = 1;
	if (n == 5 && addr(argv[i++], &p->host_ip) < 0)
		return -1;
	if (port_num(argv[i], &p->host_port) < 0 || addr(argv[i + 1], &p->ctr_ip) < 0 ||
	    port_num(argv[i + 2], &p->ctr_port) < 0)
		return -1;
	return n;
}

static int ports(int argc, char **argv, int del)
{
	struct isola_nft_port p[64];
	struct isola_error err = {0};
	size_t n = 0;
	for (int i = 0; i < argc && n < 64; n++) {
		int used = port_spec(argc - i, argv + i, &p[n]);
		if (used < 0)
			return die("usage: port-add|port-del PROTO [HOSTIP] HOSTPORT CTRIP CTRPORT");
		i += used + 1;
	}
	int rc = del ? isola_nft_ports_del(p, n, &err) : isola_nft_ports_add(p, n, &err);
	return rc < 0 ? die(err.msg) : 0;
}

static int list(void)
{
	struct isola_nft_port *p;
	struct isola_error err = {0};
	size_t n;
	if (isola_nft_ports_list(&p, &n, &err) < 0)
		return die(err.msg);
	for (size_t i = 0; i < n; i++) {
		char h[INET6_ADDRSTRLEN] = "", c[INET6_ADDRSTRLEN];
		if (p[i].host_ip.family)
			inet_ntop(p[i].host_ip.family, p[i].host_ip.bytes, h, sizeof(h));
		inet_ntop(p[i].ctr_ip.family, p[i].ctr_ip.bytes, c, sizeof(c));
		printf("%s %s%s%u %s %u\n", p[i].proto == IPPROTO_TCP ? "tcp" : "udp", h,
		       h[0] ? " " : "", p[i].host_port, c, p[i].ctr_port);
	}
	free(p);
	return 0;
}

static int net_add(int argc, char **argv)
{
	struct isola_nft_net n = {.bridge = argv[0]};
	struct isola_error err = {0};
	for (int i = 1; i < argc; i++) {
		struct isola_prefix p;
		if (strcmp(argv[i], "--internal") == 0)
			n.internal = true;
		else if (prefix(argv[i], &p) < 0)
			return die("bad subnet");
		else if (p.addr.family == AF_INET)
			n.v4 = p;
		else
			n.v6 = p;
	}
	return isola_nft_network_add(&n, &err) < 0 ? die(err.msg) : 0;
}

int main(int argc, char **argv)
{
	struct isola_error err = {0};
	if (argc < 2)
		return die("usage: nfttest net-add|net-del|port-add|port-del|ports|flush ...");
	const char *cmd = argv[1];
	if (strcmp(cmd, "net-add") == 0 && argc >= 3)
		return net_add(argc - 2, argv + 2);
	if (strcmp(cmd, "net-del") == 0 && argc == 3)
		return isola_nft_network_del(argv[2], &err) < 0 ? die(err.msg) : 0;
	if (strcmp(cmd, "port-add") == 0 || strcmp(cmd, "port-del") == 0)
		return ports(argc - 2, argv + 2, strcmp(cmd, "port-del") == 0);
	if (strcmp(cmd, "ports") == 0)
		return list();
	if (strcmp(cmd, "flush") == 0)
		return isola_nft_flush(&err) < 0 ? die(err.msg) : 0;
	return die("unknown command");
}
