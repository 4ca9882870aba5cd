/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/fsutil.h"
#include "net/net.h"
#include "tap.h"

/* Addresses (pure logic), then the network store and IPAM in a temp dir. */

static const char *pfx(const char *s)
{
	static char buf[256];
	struct isola_prefix p;
	struct isola_error err = {0};
	if (isola_prefix_parse(s, &p, &err) < 0)
		snprintf(buf, sizeof(buf), "ERR %s", err.msg);
	else
		isola_prefix_str(&p, buf, sizeof(buf));
	return buf;
}

static const char *addr(const char *s)
{
	static char buf[64];
	struct isola_addr a;
	if (isola_addr_parse(s, &a, NULL) < 0)
		return "ERR";
	return isola_addr_str(&a, buf, sizeof(buf));
}

TEST(addr_parse_good)
{
	CHECK_STR(addr("10.0.0.1"), "10.0.0.1");
	CHECK_STR(addr("255.255.255.255"), "255.255.255.255");
	CHECK_STR(addr("fd00::1"), "fd00::1");
	CHECK_STR(addr("FD00:0:0:0:0:0:0:1"), "fd00::1");
	CHECK_STR(addr("::"), "::");
	CHECK_STR(addr("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
	struct isola_addr a;
	CHECK(isola_addr_parse("10.1.2.3", &a, NULL) == 0 && a.family == AF_INET);
	CHECK(isola_addr_parse("fe80::1", &a, NULL) == 0 && a.family == AF_INET6);
}

TEST(addr_parse_bad)
{
	const char *bad[] = {"",	  "10.0.0",	  "10.0.0.256", "10.0.0.1 ",
			     " 10.0.0.1", "010.0.0.1",	  "0x0a.0.0.1", "10.0.0.1/24",
			     "fd00:::1",  "fe80::1%eth0", "junk",	"1:2:3:4:5:6:7:8:9",
			     "10.0.0.-1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isola_addr a;
		struct isola_error err = {0};
		CHECK(isola_addr_parse(bad[i], &a, &err) < 0);
		CHECK(err.kind == ISOLA_ERR_INVALID);
		CHECK(a.family == 0);
	}
	struct isola_error err = {0};
	struct isola_addr a;
	CHECK(isola_addr_parse(NULL, &a, &err) < 0);
}

TEST(prefix_parse_good)
{
	CHECK_STR(pfx("10.0.0.0/24"), "10.0.0.0/24");
	CHECK_STR(pfx("0.0.0.0/0"), "0.0.0.0/0");
	CHECK_STR(pfx("10.1.2.3/32"), "10.1.2.3/32");
	CHECK_STR(pfx("fd00::/64"), "fd00::/64");
	CHECK_STR(pfx("fd00:0:0:1::/64"), "fd00:0:0:1::/64");
	CHECK_STR(pfx("::1/128"), "::1/128");
	CHECK_STR(pfx("::/0"), "::/0");
	CHECK_STR(pfx("10.86.3.0/24"), "10.86.3.0/24");
}

TEST(prefix_parse_bad)
{
	CHECK_CONTAINS(pfx("10.0.0.1/24"), "has host bits set (the network is 10.0.0.0/24)");
	CHECK_CONTAINS(pfx("fd00::1/64"), "has host bits set");
	CHECK_CONTAINS(pfx("10.0.0.0/33"), "bad prefix length");
	CHECK_CONTAINS(pfx("fd00::/129"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0/"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0/-1"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0/024"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0/24x"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0/ 24"), "bad prefix length");
	CHECK_CONTAINS(pfx("10.0.0.0"), "expected ADDRESS/LENGTH");
	CHECK_CONTAINS(pfx("junk/8"), "bad address");
	CHECK_CONTAINS(pfx("10.0.0/8"), "bad address");
	CHECK_CONTAINS(pfx("/8"), "bad address");
	CHECK_CONTAINS(pfx(""), "expected ADDRESS/LENGTH");
}

static struct isola_prefix P(const char *s) {
	struct isola_prefix p = {0};
	isola_prefix_parse(s, &p, NULL);
	return p;
}

static struct isola_addr
A(const char *s) {
	struct isola_addr a = {0};
	isola_addr_parse(s, &a, NULL);
	return a;
}

TEST(prefix_contains)
{
	struct isola_prefix p = P("10.1.0.0/16"), q = P("fd00:1::/32"), z = P("0.0.0.0/0");
	struct isola_addr a;
	CHECK(isola_prefix_contains(&p, (a = A("10.1.255.255"), &a)));
	CHECK(isola_prefix_contains(&p, (a = A("10.1.0.0"), &a)));
	CHECK(!isola_prefix_contains(&p, (a = A("10.2.0.1"), &a)));
	CHECK(!isola_prefix_contains(&p, (a = A("::ffff:10.1.0.1"), &a)));
	CHECK(isola_prefix_contains(&q, (a = A("fd00:1:ffff::9"), &a)));
	CHECK(!isola_prefix_contains(&q, (a = A("fd00:2::1"), &a)));
	CHECK(!isola_prefix_contains(&q, (a = A("10.1.0.1"), &a)));
	CHECK(isola_prefix_contains(&z, (a = A("1.2.3.4"), &a)));
	struct isola_prefix none = {0};
	CHECK(!isola_prefix_contains(&none, (a = A("1.2.3.4"), &a)));
}

TEST(prefix_overlaps)
{
	struct isola_prefix a = P("10.0.0.0/8"), b = P("10.86.1.0/24"), c = P("10.86.2.0/24"),
			    d = P("192.168.0.0/16"), e = P("fd00::/8"), f = P("fd12:3456::/64"),
			    g = P("fe80::/10");
	CHECK(isola_prefix_overlaps(&a, &b) && isola_prefix_overlaps(&b, &a));
	CHECK(!isola_prefix_overlaps(&b, &c));
	CHECK(isola_prefix_overlaps(&b, &b));
	CHECK(!isola_prefix_overlaps(&a, &d));
	CHECK(isola_prefix_overlaps(&e, &f) && !isola_prefix_overlaps(&f, &g));
	CHECK(!isola_prefix_overlaps(&a, &e));
}

/* ---- the store ---- */

static char tmproot[64];

static struct isola_netstore *store(void)
{
	snprintf(tmproot, sizeof(tmproot), "/tmp/isola-test-net.XXXXXX");
	if (!mkdtemp(tmproot))
		return NULL;
	return isola_netstore_open(tmproot, NULL);
}

static void store_done(struct isola_netstore *s)
{
	isola_netstore_close(s);
	isola_rmtree_at(AT_FDCWD, tmproot, NULL);
}

static struct isola_network net_named(const char *name, const char *subnet)
{
	struct isola_network n = {0};
	snprintf(n.name, sizeof(n.name), "%s", name);
	if (subnet)
		n.subnet4 = P(subnet);
	return n;
}

static int create(struct isola_netstore *s, const char *name, const char *subnet,
		  struct isola_error *err)
{
	struct isola_network n = net_named(name, subnet);
	return isola_network_create(s, &n, err);
}

TEST(network_create_load_list_remove)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	struct isola_network n = net_named("web", NULL), m, *all = NULL;
	char buf[64];
	CHECK(s != NULL);
	CHECK(isola_network_create(s, &n, &err) == 0);
	CHECK_STR(n.driver, "bridge");
	CHECK(strlen(n.id) == 64 && strspn(n.id, "0123456789abcdef") == 64);
	CHECK_STR(isola_prefix_str(&n.subnet4, buf, sizeof(buf)), "10.86.0.0/24");
	CHECK_STR(isola_addr_str(&n.gateway4, buf, sizeof(buf)), "10.86.0.1");
	CHECK(strncmp(n.device, "isola-", 6) == 0 && strlen(n.device) == 15);
	CHECK(isola_network_load(s, "web", &m, &err) == 0 && !strcmp(m.id, n.id));
	CHECK_STR(m.device, n.device);
	CHECK(!memcmp(&m.subnet4, &n.subnet4, sizeof(m.subnet4)) && m.ipv6 == n.ipv6);
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.5s", n.id);
	CHECK(isola_network_load(s, prefix, &m, &err) == 0 && !strcmp(m.name, "web"));
	CHECK(isola_network_load(s, n.id, &m, &err) == 0 && !strcmp(m.name, "web"));
	CHECK(create(s, "app", NULL, &err) == 0);
	size_t cnt = 0;
	CHECK(isola_network_list(s, &all, &cnt, &err) == 0 && cnt == 2);
	if (cnt == 2) {
		CHECK_STR(all[0].name, "app");
		CHECK_STR(isola_prefix_str(&all[0].subnet4, buf, sizeof(buf)), "10.86.1.0/24");
	}
	free(all);
	CHECK(isola_network_remove(s, "web", &err) == 0);
	err = (struct isola_error){0};
	CHECK(isola_network_load(s, "web", &m, &err) < 0 && err.kind == ISOLA_ERR_NOT_FOUND);
	CHECK_STR(err.msg, "network web not found");
	CHECK(isola_network_remove(s, "web", &err) < 0 && err.kind == ISOLA_ERR_NOT_FOUND);
	/* the pool hands out the freed subnet again */
	CHECK(create(s, "web2", NULL, &err) == 0);
	CHECK(isola_network_load(s, "web2", &m, &err) == 0);
	CHECK_STR(isola_prefix_str(&m.subnet4, buf, sizeof(buf)), "10.86.0.0/24");
	store_done(s);
}

TEST(network_create_refused)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	CHECK(create(s, "a", "10.10.0.0/16", &err) == 0);
	err = (struct isola_error){0};
	CHECK(create(s, "b", "10.10.5.0/24", &err) < 0);
	CHECK_STR(err.msg, "subnet 10.10.5.0/24 overlaps with 10.10.0.0/16 of network \"a\"");
	CHECK(create(s, "b", "10.0.0.0/8", &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "a", "10.11.0.0/16", &err) < 0 && err.kind == ISOLA_ERR_EXISTS);
	CHECK_STR(err.msg, "network with name a already exists");
	CHECK(create(s, "-a", NULL, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK_CONTAINS(err.msg, "invalid network name \"-a\"");
	CHECK(create(s, "a/b", NULL, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "", NULL, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "host", NULL, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "isola", NULL, &err) < 0 && err.kind == ISOLA_ERR_INVALID);

	struct isola_network n = net_named("gw", "10.20.0.0/24");
	n.gateway4 = A("10.21.0.1");
	CHECK(isola_network_create(s, &n, &err) < 0);
	CHECK_STR(err.msg, "gateway 10.21.0.1 is not a host address of subnet 10.20.0.0/24");
	n.gateway4 = A("10.20.0.255");
	CHECK(isola_network_create(s, &n, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	n.gateway4 = A("10.20.0.0");
	CHECK(isola_network_create(s, &n, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	n.gateway4 = A("10.20.0.254");
	n.range4 = P("10.20.1.0/28");
	CHECK(isola_network_create(s, &n, &err) < 0);
	CHECK_STR(err.msg, "ip-range 10.20.1.0/28 is not in subnet 10.20.0.0/24");
	n.range4 = P("10.20.0.0/23");
	CHECK(isola_network_create(s, &n, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	n = net_named("small", "10.30.0.0/31");
	CHECK(isola_network_create(s, &n, &err) < 0);
	CHECK_STR(err.msg, "subnet 10.30.0.0/31 is too small");
	n = net_named("drv", NULL);
	snprintf(n.driver, sizeof(n.driver), "overlay");
	CHECK(isola_network_create(s, &n, &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	n = net_named("mode", NULL);
	snprintf(n.driver, sizeof(n.driver), "macvlan");
	snprintf(n.mode, sizeof(n.mode), "l3");
	CHECK(isola_network_create(s, &n, &err) < 0);
	CHECK_STR(err.msg, "invalid mode \"l3\" for driver macvlan");
	n = net_named("br", NULL);
	snprintf(n.device, sizeof(n.device), "%s", "isola0");
	CHECK(isola_network_create(s, &n, &err) == 0);
	n = net_named("br2", NULL);
	snprintf(n.device, sizeof(n.device), "%s", "isola0");
	CHECK(isola_network_create(s, &n, &err) < 0 && err.kind == ISOLA_ERR_EXISTS);
	/* nothing of the refused ones was written */
	struct isola_network *all = NULL;
	size_t cnt = 0;
	CHECK(isola_network_list(s, &all, &cnt, &err) == 0 && cnt == 2);
	free(all);
	store_done(s);
}

TEST(network_range_ipv6_and_options)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	char buf[64];
	struct isola_network n = net_named("r", "192.168.50.0/24"), m;
	char *labels[] = {"team=a", "flag", NULL};
	n.range4 = P("192.168.50.128/25");
	n.gateway4 = A("192.168.50.254");
	n.ipv6 = true;
	n.internal = true;
	n.mtu = 1400;
	n.labels = labels;
	CHECK(isola_network_create(s, &n, &err) == 0);
	CHECK(isola_network_load(s, "r", &m, &err) == 0);
	CHECK_STR(isola_prefix_str(&m.range4, buf, sizeof(buf)), "192.168.50.128/25");
	CHECK_STR(isola_addr_str(&m.gateway4, buf, sizeof(buf)), "192.168.50.254");
	CHECK(m.ipv6 && m.internal && m.mtu == 1400);
	CHECK(m.subnet6.len == 64 && m.subnet6.addr.bytes[0] == 0xfd);
	CHECK(m.gateway6.bytes[15] == 1);
	struct isola_addr a;
	CHECK(isola_ipam_lease(s, &m, "c1", AF_INET, NULL, &a, &err) == 0);
	CHECK_STR(isola_addr_str(&a, buf, sizeof(buf)), "192.168.50.128");
	CHECK(isola_ipam_lease(s, &m, "c1", AF_INET6, NULL, &a, &err) == 0);
	CHECK(a.family == AF_INET6 && a.bytes[15] == 2);
	/* family 0 is IPv4; the same owner again gets the same addresses */
	CHECK(isola_ipam_lease(s, &m, "c1", 0, NULL, &a, &err) == 0);
	CHECK_STR(isola_addr_str(&a, buf, sizeof(buf)), "192.168.50.128");
	struct isola_addr none = {0};
	CHECK(isola_ipam_lease(s, &m, "c1", AF_INET6, &none, &a, &err) == 0);
	CHECK(a.family == AF_INET6 && a.bytes[15] == 2);
	CHECK(isola_ipam_lease(s, &m, "c2", AF_INET6, NULL, &a, &err) == 0);
	CHECK(a.family == AF_INET6 && a.bytes[15] == 3);
	char *json = isola_network_json(s, &m, &err);
	CHECK_CONTAINS(json, "\"IPRange\": \"192.168.50.128/25\"");
	CHECK_CONTAINS(json, "\"IPv4Address\": \"192.168.50.128/24\"");
	CHECK_CONTAINS(json, "\"team\": \"a\"");
	CHECK_CONTAINS(json, "\"mtu\": \"1400\"");
	CHECK_CONTAINS(json, "\"Internal\": true");
	free(json);
	n = net_named("mv", "10.40.0.0/24");
	snprintf(n.driver, sizeof(n.driver), "macvlan");
	snprintf(n.device, sizeof(n.device), "eth0");
	snprintf(n.mode, sizeof(n.mode), "private");
	CHECK(isola_network_create(s, &n, &err) == 0);
	CHECK(isola_network_load(s, "mv", &m, &err) == 0);
	CHECK_STR(m.device, "eth0");
	CHECK_STR(m.mode, "private");
	CHECK_STR(m.driver, "macvlan");
	store_done(s);
}

static const char *lease(struct isola_netstore *s, const struct isola_network *n, const char *owner,
			 const char *want, struct isola_error *err)
{
	static char buf[64];
	struct isola_addr w = want ? A(want) : (struct isola_addr){0}, a;
	if (isola_ipam_lease(s, n, owner, AF_INET, &w, &a, err) < 0)
		return "ERR";
	return isola_addr_str(&a, buf, sizeof(buf));
}

TEST(ipam_leases)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	struct isola_network n = net_named("l", "10.50.0.0/24");
	CHECK(isola_network_create(s, &n, &err) == 0);
	CHECK_STR(lease(s, &n, "c1", NULL, &err), "10.50.0.2");
	CHECK_STR(lease(s, &n, "c2", NULL, &err), "10.50.0.3");
	CHECK_STR(lease(s, &n, "c1", NULL, &err), "10.50.0.2"); /* same owner: same address */
	CHECK_STR(lease(s, &n, "c3", "10.50.0.77", &err), "10.50.0.77");
	CHECK_STR(lease(s, &n, "c3", "10.50.0.77", &err), "10.50.0.77");
	CHECK_STR(lease(s, &n, "c4", "10.50.0.77", &err), "ERR");
	CHECK(err.kind == ISOLA_ERR_EXISTS);
	CHECK_STR(err.msg, "address 10.50.0.77 is already in use by container c3");
	CHECK_STR(lease(s, &n, "c4", "10.51.0.7", &err), "ERR");
	CHECK(err.kind == ISOLA_ERR_INVALID);
	CHECK_STR(lease(s, &n, "c4", "10.50.0.1", &err), "ERR"); /* the gateway */
	CHECK_STR(lease(s, &n, "c4", "10.50.0.255", &err), "ERR");
	CHECK_STR(lease(s, &n, "c4", NULL, &err), "10.50.0.4");
	/* IPv6 on a network without it */
	struct isola_addr a;
	CHECK(isola_ipam_lease(s, &n, "c5", AF_INET6, NULL, &a, &err) < 0);
	CHECK(err.kind == ISOLA_ERR_INVALID);

	err = (struct isola_error){0};
	CHECK(isola_network_remove(s, "l", &err) < 0 && err.kind == ISOLA_ERR_BUSY);
	CHECK_STR(err.msg, "network l is in use by container c1");
	struct isola_lease *v = NULL;
	size_t cnt = 0;
	CHECK(isola_ipam_list(s, &n, &v, &cnt, &err) == 0 && cnt == 4);
	if (cnt == 4)
		CHECK_STR(v[0].owner, "c1");
	free(v);
	/* released addresses are not handed out again at once */
	CHECK(isola_ipam_release(s, &n, "c2", &err) == 0);
	CHECK_STR(lease(s, &n, "c6", NULL, &err), "10.50.0.5");
	CHECK(isola_ipam_release(s, NULL, "c1", &err) == 0);
	CHECK(isola_ipam_release(s, &n, "c3", &err) == 0);
	CHECK(isola_ipam_release(s, &n, "c4", &err) == 0);
	CHECK(isola_ipam_release(s, &n, "c6", &err) == 0);
	CHECK(isola_ipam_release(s, &n, "nobody", &err) == 0);
	CHECK(isola_ipam_list(s, &n, &v, &cnt, &err) == 0 && cnt == 0);
	free(v);
	CHECK(isola_network_remove(s, "l", &err) == 0);
	/* a lease on a removed network */
	CHECK_STR(lease(s, &n, "c1", NULL, &err), "ERR");
	CHECK(err.kind == ISOLA_ERR_NOT_FOUND);
	store_done(s);
}

TEST(ipam_exhaustion_and_wrap)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	struct isola_network n = net_named("tiny", "10.60.0.0/30");
	CHECK(isola_network_create(s, &n, &err) == 0);
	CHECK_STR(lease(s, &n, "c1", NULL, &err), "10.60.0.2");
	CHECK_STR(lease(s, &n, "c2", NULL, &err), "ERR");
	CHECK(err.kind == ISOLA_ERR_BUSY);
	CHECK_STR(err.msg, "no free address in 10.60.0.0/30 of network tiny");
	CHECK(isola_ipam_release(s, &n, "c1", &err) == 0);
	CHECK_STR(lease(s, &n, "c2", NULL, &err), "10.60.0.2");

	n = net_named("wrap", "10.61.0.0/29"); /* hosts .2 to .6 */
	CHECK(isola_network_create(s, &n, &err) == 0);
	const char *want[] = {"10.61.0.2", "10.61.0.3", "10.61.0.4", "10.61.0.5", "10.61.0.6"};
	char owner[8];
	for (int i = 0; i < 5; i++) {
		snprintf(owner, sizeof(owner), "o%d", i);
		CHECK_STR(lease(s, &n, owner, NULL, &err), want[i]);
	}
	CHECK(isola_ipam_release(s, &n, "o1", &err) == 0);
	CHECK_STR(lease(s, &n, "o9", NULL, &err), "10.61.0.3"); /* after .6, wraps */
	CHECK_STR(lease(s, &n, "o8", NULL, &err), "ERR");
	store_done(s);
}

TEST(ensure_default_twice)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	struct isola_network a, b;
	char buf[64];
	CHECK(isola_network_ensure_default(s, &a, &err) == 0);
	CHECK(isola_network_ensure_default(s, &b, &err) == 0);
	CHECK_STR(a.name, "isola");
	CHECK_STR(a.id, b.id);
	CHECK_STR(a.device, "isola0");
	CHECK_STR(isola_prefix_str(&a.subnet4, buf, sizeof(buf)), "10.87.0.0/16");
	CHECK_STR(isola_addr_str(&a.gateway4, buf, sizeof(buf)), "10.87.0.1");
	CHECK(isola_network_remove(s, "isola", &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "x", "10.87.3.0/24", &err) < 0 && err.kind == ISOLA_ERR_INVALID);
	CHECK(create(s, "x", NULL, &err) == 0);
	struct isola_network *all = NULL;
	size_t cnt = 0;
	CHECK(isola_network_list(s, &all, &cnt, &err) == 0 && cnt == 2);
	free(all);
	store_done(s);
}

/* Two processes make the default network at once: one network, one id. */
TEST(ensure_default_race)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	int fds[2];
	CHECK(pipe(fds) == 0);
	for (int p = 0; p < 2; p++) {
		fflush(stdout);
		if (fork() == 0) {
			isola_netstore_close(s); /* the parent's */
			struct isola_netstore *cs = isola_netstore_open(tmproot, NULL);
			struct isola_network n;
			int bad = !cs || isola_network_ensure_default(cs, &n, NULL) < 0 ||
				  write(fds[1], n.id, 64) != 64;
			isola_netstore_close(cs);
			_exit(bad);
		}
	}
	close(fds[1]);
	char ids[2][65] = {{0}};
	for (int p = 0; p < 2; p++) {
		int st = -1;
		CHECK(wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		CHECK(read(fds[0], ids[p], 64) == 64);
	}
	close(fds[0]);
	CHECK_STR(ids[0], ids[1]);
	struct isola_network *all = NULL;
	size_t cnt = 0;
	CHECK(isola_network_list(s, &all, &cnt, &err) == 0 && cnt == 1);
	free(all);
	store_done(s);
}

/* Two processes take 50 leases each at once: never the same address. */
TEST(ipam_concurrent_leases)
{
	struct isola_netstore *s = store();
	struct isola_error err = {0};
	struct isola_network n = net_named("race", "10.70.0.0/24");
	CHECK(isola_network_create(s, &n, &err) == 0);
	pid_t pids[2];
	for (int p = 0; p < 2; p++) {
		fflush(stdout);
		pids[p] = fork();
		if (pids[p] == 0) {
			isola_netstore_close(s); /* the parent's */
			struct isola_netstore *cs = isola_netstore_open(tmproot, NULL);
			char owner[16];
			struct isola_addr a;
			int bad = !cs;
			for (int i = 0; i < 50 && !bad; i++) {
				snprintf(owner, sizeof(owner), "p%d-%d", p, i);
				bad = isola_ipam_lease(cs, &n, owner, AF_INET, NULL, &a, NULL) < 0;
			}
			isola_netstore_close(cs);
			_exit(bad);
		}
	}
	for (int p = 0; p < 2; p++) {
		int st = -1;
		CHECK(pids[p] > 0 && waitpid(pids[p], &st, 0) == pids[p]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	struct isola_lease *v = NULL;
	size_t cnt = 0;
	CHECK(isola_ipam_list(s, &n, &v, &cnt, &err) == 0);
	CHECK(cnt == 100);
	for (size_t i = 1; i < cnt; i++)
		CHECK(memcmp(&v[i - 1].addr, &v[i].addr, sizeof(v[i].addr)) != 0);
	free(v);
	store_done(s);
}

int main(void)
{
	return tap_run();
}
