/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Addresses, routes and net sysctls.
 *
 * IPv6 addresses go in with IFA_F_NODAD: duplicate address detection would
 * keep a fresh container address "tentative" (unusable, bind() fails with
 * EADDRNOTAVAIL) for a second or more after start, and on our networks the
 * addresses come from our own leases, so DAD has nothing to detect.
 *
 * isola_route_each collects the whole dump before calling back: the
 * callback may then use the same socket (a request in the middle of a dump
 * would interleave with it), and interface names are resolved from one link
 * dump instead of one request per route.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "net/nl-internal.h"

static size_t addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int check_addr(const struct isola_addr *a, int prefixlen, struct isola_error *err)
{
	if (!a || (a->family != AF_INET && a->family != AF_INET6))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "address family not IPv4 or IPv6");
	if (prefixlen < 0 || prefixlen > (a->family == AF_INET ? 32 : 128))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid prefix length %d", prefixlen);
	return 0;
}

/* Put IFA_BROADCAST too: what `ip addr add ... brd +` gives, and what a
 * container's broadcast (DHCP clients, arping -b) expects. */
static void put_v4(struct nlmsghdr *h, const struct isola_addr *a, int prefixlen)
{
	mnl_attr_put(h, IFA_LOCAL, 4, &a->v4);
	mnl_attr_put(h, IFA_ADDRESS, 4, &a->v4);
	if (prefixlen < 31) {
		uint32_t host = prefixlen ? 0xffffffffu >> prefixlen : 0xffffffffu;
		struct in_addr brd = {.s_addr = a->v4.s_addr | htonl(host)};
		mnl_attr_put(h, IFA_BROADCAST, 4, &brd);
	}
}

int isola_addr_add(struct isola_nl *nl, const char *ifname, const struct isola_addr *a,
		   int prefixlen, struct isola_error *err)
{
	struct nlmsghdr *h;
	struct ifaddrmsg *ifa;
	int index;

	if (check_addr(a, prefixlen, err) < 0 || (index = isola_nl_index_of(nl, ifname, err)) < 0)
		return isola_err_prefix(err, "add address");
	h = isola_nl_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	if (a->family == AF_INET) {
		put_v4(h, a, prefixlen);
	} else {
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put(h, IFA_ADDRESS, 16, &a->v6);
		mnl_attr_put_u32(h, IFA_FLAGS, IFA_F_NODAD);
	}
	if (isola_nl_talk(nl, h, NULL, NULL, err) == 0)
		return 0;
	if (err && err->errnum == EEXIST) {
		isola_err_clear(err);
		return 0;
	}
	return isola_err_prefix(err, "add address to \"%s\"", ifname);
}

/* The family of a route: dst's, else gw's; they must agree. */
static int route_family(const struct isola_prefix *dst, const struct isola_addr *gw,
			struct isola_error *err)
{
	int f = dst ? dst->addr.family : gw ? gw->family : 0;
	if (dst && check_addr(&dst->addr, dst->len, err) < 0)
		return -1;
	if (gw && check_addr(gw, 0, err) < 0)
		return -1;
	if (!f)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "a default route needs a gateway or a destination family");
	if (dst && gw && gw->family != f)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "gateway and destination of different families");
	return f;
}

int isola_route_add(struct isola_nl *nl, const struct isola_prefix *dst,
		    const struct isola_addr *gw, const char *ifname, struct isola_error *err)
{
	int family = route_family(dst, gw, err), index;
	struct nlmsghdr *h;
	struct rtmsg *rt;

	if (family < 0 || (index = isola_nl_index_of(nl, ifname, err)) < 0)
		return isola_err_prefix(err, "add route");
	h = isola_nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = (unsigned char)family;
	rt->rtm_dst_len = dst ? (unsigned char)dst->len : 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_type = RTN_UNICAST;
	/* Without a gateway the destination is on the link itself. */
	rt->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (dst && dst->len > 0)
		mnl_attr_put(h, RTA_DST, addr_bytes(family), dst->addr.bytes);
	if (gw)
		mnl_attr_put(h, RTA_GATEWAY, addr_bytes(family), gw->bytes);
	mnl_attr_put_u32(h, RTA_OIF, (uint32_t)index);
	if (isola_nl_talk(nl, h, NULL, NULL, err) < 0)
		return isola_err_prefix(err, "add route via \"%s\"", ifname);
	return 0;
}

struct route_ent {
	struct isola_prefix p;
	int oif;
};

struct link_name {
	int index;
	char name[IFNAMSIZ];
};

struct route_list {
	struct route_ent *v;
	size_t n, cap;
	struct link_name *links;
	size_t nlinks, linkcap;
	struct isola_error *err;
};

/* Grow *v (of *cap elements of size sz) to hold one more than n. */
static int grow(void *v, size_t n, size_t *cap, size_t sz, struct isola_error *err)
{
	void *nv;
	if (n < *cap)
		return 0;
	nv = realloc(*(void **)v, (*cap ? *cap * 2 : 16) * sz);
	if (!nv)
		return isola_err_sys(err, "allocate route list");
	*(void **)v = nv;
	*cap = *cap ? *cap * 2 : 16;
	return 0;
}

static int link_name_cb(const struct nlmsghdr *h, void *data)
{
	struct route_list *l = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	if (h->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (grow(&l->links, l->nlinks, &l->linkcap, sizeof(*l->links), l->err) < 0)
		return MNL_CB_ERROR;
	l->links[l->nlinks].index = ifi->ifi_index;
	l->links[l->nlinks].name[0] = '\0';
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(l->links[l->nlinks].name, IFNAMSIZ, "%s", mnl_attr_get_str(a));
	}
	l->nlinks++;
	return MNL_CB_OK;
}

/* The prefixes a route claims: unicast, and the ones that only refuse. */
static bool route_wanted(const struct rtmsg *rt)
{
	if (rt->rtm_family != AF_INET && rt->rtm_family != AF_INET6)
		return false;
	if (rt->rtm_flags & RTM_F_CLONED)
		return false;
	return rt->rtm_type == RTN_UNICAST || rt->rtm_type == RTN_BLACKHOLE ||
	       rt->rtm_type == RTN_UNREACHABLE || rt->rtm_type == RTN_PROHIBIT;
}

static int route_cb(const struct nlmsghdr *h, void *data)
{
	struct route_list *l = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	struct route_ent e = {.p.addr.family = rt->rtm_family, .p.len = rt->rtm_dst_len};
	unsigned table = rt->rtm_table;
	const struct nlattr *a;

	if (h->nlmsg_type != RTM_NEWROUTE || !route_wanted(rt))
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(*rt))
	{
		uint16_t t = mnl_attr_get_type(a);
		size_t len = mnl_attr_get_payload_len(a);
		/* Table ids above 255 only fit in RTA_TABLE. */
		if (t == RTA_TABLE && len == 4)
			table = mnl_attr_get_u32(a);
		else if (t == RTA_OIF && len == 4)
			e.oif = (int)mnl_attr_get_u32(a);
		else if (t == RTA_DST && len == addr_bytes(rt->rtm_family))
			memcpy(e.p.addr.bytes, mnl_attr_get_payload(a), len);
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (grow(&l->v, l->n, &l->cap, sizeof(*l->v), l->err) < 0)
		return MNL_CB_ERROR;
	l->v[l->n++] = e;
	return MNL_CB_OK;
}

static int dump(struct isola_nl *nl, uint16_t type, size_t hdrlen, mnl_cb_t cb,
		struct route_list *l, struct isola_error *err)
{
	for (int tries = 0;; tries++) {
		struct nlmsghdr *h = isola_nl_msg(nl, type, NLM_F_DUMP);
		mnl_nlmsg_put_extra_header(h, hdrlen); /* family AF_UNSPEC: all */
		if (type == RTM_GETLINK)
			mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		if (type == RTM_GETLINK)
			l->nlinks = 0;
		else
			l->n = 0;
		if (isola_nl_talk(nl, h, cb, l, err) == 0)
			return 0;
		if (!err || err->errnum != EINTR || tries == 4)
			return -1;
	}
}

static const char *link_name(const struct route_list *l, int index)
{
	for (size_t i = 0; i < l->nlinks; i++)
		if (l->links[i].index == index)
			return l->links[i].name;
	return "";
}

int isola_route_each(struct isola_nl *nl,
		     int (*fn)(void *data, const struct isola_prefix *p, const char *ifname),
		     void *data, struct isola_error *err)
{
	struct route_list l = {.err = err};
	int r = -1;

	if (dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), route_cb, &l, err) < 0 ||
	    dump(nl, RTM_GETLINK, sizeof(struct ifinfomsg), link_name_cb, &l, err) < 0) {
		isola_err_prefix(err, "list routes");
		goto out;
	}
	r = 0;
	for (size_t i = 0; i < l.n; i++)
		if (fn(data, &l.v[i].p, link_name(&l, l.v[i].oif)))
			break;
out:
	free(l.v);
	free(l.links);
	return r;
}

/* A key below /proc/sys/net: relative, no "." or ".." parts. */
static int check_sysctl_key(const char *key, struct isola_error *err)
{
	const char *p = key;
	if (!key || !*key || *key == '/')
		goto bad;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
bad:
	return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid net sysctl \"%s\"", key ? key : "");
}

int isola_net_sysctl(const char *key, const char *value, struct isola_error *err)
{
	char path[512];
	if (check_sysctl_key(key, err) < 0)
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "/proc/sys/net/%s", key) >= sizeof(path))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "net sysctl \"%s\" too long", key);
	if (isola_write_file_at(AT_FDCWD, path, value, strlen(value), err) < 0)
		return isola_err_prefix(err, "sysctl \"%s\"", key);
	return 0;
}
