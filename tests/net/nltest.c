/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nltest: one command line per call of the rtnetlink API (src/lib/net/nl*.c),
 * so tests/net/nl.bats checks the result with `ip -j` instead of trusting
 * our own reading of the kernel's state.
 *
 *   nltest [-n NETNS_PATH | -N FD] CMD ARGS...
 *
 * -n/-N: open the socket in that network namespace (a path such as
 * /proc/PID/ns/net, or a raw fd number for the bad-fd case). A PID argument
 * below means the netns of that process. Exit status: 0 done, 1 the library
 * failed (its message on stderr, with the error kind), 2 usage, 3 the call
 * left an fd open (the count of /proc/self/fd differs before and after).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/net.h"

static const char *kind_name(int kind)
{
	static const char *const names[] = {"none",   "system",	     "invalid", "not found",
					    "exists", "unsupported", "busy",	"state"};
	return kind >= 0 && kind < 8 ? names[kind] : "?";
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int usage(void)
{
	fprintf(stderr, "usage: nltest [-n NETNS_PATH | -N FD] CMD ARGS...\n"
			"  bridge NAME [MTU] | dummy NAME [MTU]\n"
			"  veth HOST PEER PID|- [MTU [PEER_MAC]]\n"
			"  macvlan|ipvlan NAME PARENT MODE|- [PID]\n"
			"  del NAME | up NAME | down NAME | index NAME | mac NAME\n"
			"  master NAME MASTER|- | hairpin NAME on|off\n"
			"  addr IF ADDR/LEN | route DST/LEN|default GW|- IF | routes\n"
			"  sysctl KEY VALUE\n");
	return -2;
}

static int parse_addr(const char *s, struct isola_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a->v6) == 1)
		a->family = AF_INET6;
	return a->family ? 0 : -1;
}

/* "ADDR/LEN" */
static int parse_cidr(const char *s, struct isola_addr *a, int *len)
{
	char buf[64];
	char *slash;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	*len = atoi(slash + 1);
	return parse_addr(buf, a);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* "-" or a PID: the fd of that process's netns, -1 for "-". */
static int pid_netns(const char *pid)
{
	char path[64];
	int fd;
	if (strcmp(pid, "-") == 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	return fd;
}

static int print_route(void *data, const struct isola_prefix *p, const char *ifname)
{
	char buf[INET6_ADDRSTRLEN];
	(void)data;
	inet_ntop(p->addr.family, p->addr.bytes, buf, sizeof(buf));
	printf("%s/%d %s\n", buf, p->len, ifname);
	return 0;
}

static int cmd_veth(struct isola_nl *nl, int argc, char **argv, struct isola_error *err)
{
	uint8_t mac[6];
	struct isola_link_opts host = {.name = argv[1], .netns_fd = -1};
	struct isola_link_opts peer = {.name = argv[2], .netns_fd = pid_netns(argv[3])};
	int r;
	if (argc > 4)
		host.mtu = peer.mtu = (unsigned)atoi(argv[4]);
	if (argc > 5) {
		if (parse_mac(argv[5], mac) < 0)
			return usage();
		peer.mac = mac;
	}
	r = isola_link_add_veth(nl, &host, &peer, err);
	if (peer.netns_fd >= 0)
		close(peer.netns_fd);
	return r;
}

static int cmd_vlan(struct isola_nl *nl, int argc, char **argv, struct isola_error *err)
{
	struct isola_link_opts o = {.name = argv[1], .netns_fd = -1};
	const char *mode = strcmp(argv[3], "-") == 0 ? NULL : argv[3];
	int r;
	if (argc > 4)
		o.netns_fd = pid_netns(argv[4]);
	if (strcmp(argv[0], "macvlan") == 0)
		r = isola_link_add_macvlan(nl, &o, argv[2], mode, err);
	else
		r = isola_link_add_ipvlan(nl, &o, argv[2], mode, err);
	if (o.netns_fd >= 0)
		close(o.netns_fd);
	return r;
}

static int cmd_route(struct isola_nl *nl, char **argv, struct isola_error *err)
{
	struct isola_prefix dst;
	struct isola_addr gw;
	bool has_dst = strcmp(argv[1], "default") != 0, has_gw = strcmp(argv[2], "-") != 0;
	if (has_dst && parse_cidr(argv[1], &dst.addr, &dst.len) < 0)
		return usage();
	if (has_gw && parse_addr(argv[2], &gw) < 0)
		return usage();
	return isola_route_add(nl, has_dst ? &dst : NULL, has_gw ? &gw : NULL, argv[3], err);
}

static int cmd_query(struct isola_nl *nl, char **argv, struct isola_error *err)
{
	uint8_t mac[6];
	int r;
	if (strcmp(argv[0], "index") == 0) {
		r = isola_link_index(nl, argv[1], err);
		if (r >= 0)
			printf("%d\n", r);
		return r;
	}
	r = isola_link_get_mac(nl, argv[1], mac, err);
	if (r >= 0)
		printf("%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3], mac[4],
		       mac[5]);
	return r;
}

/* Returns the library's result, or -2 for bad usage. */
static int dispatch(struct isola_nl *nl, int argc, char **argv, struct isola_error *err)
{
	const char *c = argv[0];
	struct isola_link_opts o = {.name = argc > 1 ? argv[1] : NULL, .netns_fd = -1};
	struct isola_addr a;
	int len;

	if ((!strcmp(c, "bridge") || !strcmp(c, "dummy")) && argc >= 2) {
		if (argc > 2)
			o.mtu = (unsigned)atoi(argv[2]);
		return c[0] == 'b' ? isola_link_add_bridge(nl, &o, err)
				   : isola_link_add_dummy(nl, &o, err);
	}
	if (!strcmp(c, "veth") && argc >= 4)
		return cmd_veth(nl, argc, argv, err);
	if ((!strcmp(c, "macvlan") || !strcmp(c, "ipvlan")) && argc >= 4)
		return cmd_vlan(nl, argc, argv, err);
	if (!strcmp(c, "del") && argc == 2)
		return isola_link_del(nl, argv[1], err);
	if ((!strcmp(c, "up") || !strcmp(c, "down")) && argc == 2)
		return isola_link_set_up(nl, argv[1], c[0] == 'u', err);
	if ((!strcmp(c, "index") || !strcmp(c, "mac")) && argc == 2)
		return cmd_query(nl, argv, err);
	if (!strcmp(c, "master") && argc == 3)
		return isola_link_set_master(nl, argv[1], strcmp(argv[2], "-") ? argv[2] : NULL,
					     err);
	if (!strcmp(c, "hairpin") && argc == 3)
		return isola_link_set_hairpin(nl, argv[1], !strcmp(argv[2], "on"), err);
	if (!strcmp(c, "addr") && argc == 3) {
		if (parse_cidr(argv[2], &a, &len) < 0)
			return usage();
		return isola_addr_add(nl, argv[1], &a, len, err);
	}
	if (!strcmp(c, "route") && argc == 4)
		return cmd_route(nl, argv, err);
	if (!strcmp(c, "routes") && argc == 1)
		return isola_route_each(nl, print_route, NULL, err);
	return usage();
}

int main(int argc, char **argv)
{
	struct isola_error err = {0};
	struct isola_nl *nl;
	int netns = -1, opt, before, r;

	while ((opt = getopt(argc, argv, "+n:N:")) != -1) {
		if (opt == 'n' && (netns = open(optarg, O_RDONLY | O_CLOEXEC)) < 0) {
			perror(optarg);
			return 2;
		}
		if (opt == 'N')
			netns = atoi(optarg);
		if (opt == '?')
			return usage(), 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage(), 2;
	before = count_fds();
	if (!strcmp(argv[0], "sysctl")) {
		r = argc == 3 ? isola_net_sysctl(argv[1], argv[2], &err) : usage();
	} else if (!(nl = isola_nl_open(netns, &err))) {
		r = -1;
	} else {
		r = dispatch(nl, argc, argv, &err);
		isola_nl_close(nl);
	}
	if (r == -2)
		return 2;
	if (r < 0) {
		fprintf(stderr, "nltest: %s [%s]\n", err.msg, kind_name(err.kind));
		return 1;
	}
	if (count_fds() != before) {
		fprintf(stderr, "nltest: fd leak: %d fds before, %d after\n", before, count_fds());
		return 3;
	}
	return 0;
}
