/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Links over rtnetlink: bridge, dummy, veth, macvlan, ipvlan; up, master,
 * hairpin, lookups.
 *
 * A veth's container end is created directly in the container's netns under
 * its final name (IFLA_NET_NS_FD inside the peer's own ifinfomsg), rather
 * than made here and then moved and renamed: there is no window where an
 * "eth0" exists on the host (where it could clash with the host's own eth0,
 * or be seen by udev/NetworkManager), and no half-made pair to clean up when
 * the rename fails. macvlan/ipvlan links are likewise born in the target
 * netns while their parent (IFLA_LINK) is looked up in ours.
 *
 * Requests name links by IFLA_IFNAME where the kernel allows it (one round
 * trip instead of a lookup first); the bridge-port request (AF_BRIDGE) and
 * IFLA_MASTER/IFLA_LINK need an ifindex and look it up.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "net/nl-internal.h"

/* The attributes every new link (or veth peer) takes. */
static void put_link_opts(struct nlmsghdr *h, const struct isola_link_opts *o)
{
	mnl_attr_put_strz(h, IFLA_IFNAME, o->name);
	if (o->mtu)
		mnl_attr_put_u32(h, IFLA_MTU, o->mtu);
	if (o->mac)
		mnl_attr_put(h, IFLA_ADDRESS, 6, o->mac);
	if (o->netns_fd >= 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, (uint32_t)o->netns_fd);
}

static struct nlmsghdr *link_msg(struct isola_nl *nl, uint16_t type, uint16_t flags, int family,
				 int index)
{
	struct nlmsghdr *h = isola_nl_msg(nl, type, flags);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
	ifi->ifi_family = (unsigned char)family;
	ifi->ifi_index = index;
	return h;
}

/* RTM_NEWLINK for o (on parent index `link` when not 0), up to an open
 * IFLA_LINKINFO holding IFLA_INFO_KIND. */
static struct nlmsghdr *newlink_start(struct isola_nl *nl, const struct isola_link_opts *o,
				      int link, const char *kind, struct nlattr **linkinfo)
{
	struct nlmsghdr *h = link_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, AF_UNSPEC, 0);
	put_link_opts(h, o);
	/* IFLA_LINK is resolved in the caller's netns, the link made in o's. */
	if (link)
		mnl_attr_put_u32(h, IFLA_LINK, (uint32_t)link);
	*linkinfo = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, kind);
	return h;
}

static int newlink_send(struct isola_nl *nl, struct nlmsghdr *h, struct nlattr *linkinfo,
			const char *kind, const char *name, struct isola_error *err)
{
	mnl_attr_nest_end(h, linkinfo);
	if (isola_nl_talk(nl, h, NULL, NULL, err) < 0)
		return isola_err_prefix(err, "add %s \"%s\"", kind, name);
	return 0;
}

static int add_simple(struct isola_nl *nl, const struct isola_link_opts *o, const char *kind,
		      struct isola_error *err)
{
	struct nlattr *li;
	struct nlmsghdr *h;
	if (isola_nl_check_name(o->name, err) < 0)
		return -1;
	h = newlink_start(nl, o, 0, kind, &li);
	return newlink_send(nl, h, li, kind, o->name, err);
}

int isola_link_add_bridge(struct isola_nl *nl, const struct isola_link_opts *o,
			  struct isola_error *err)
{
	return add_simple(nl, o, "bridge", err);
}

int isola_link_add_dummy(struct isola_nl *nl, const struct isola_link_opts *o,
			 struct isola_error *err)
{
	return add_simple(nl, o, "dummy", err);
}

int isola_link_add_veth(struct isola_nl *nl, const struct isola_link_opts *host,
			const struct isola_link_opts *peer, struct isola_error *err)
{
	struct nlattr *li, *data, *info;
	struct nlmsghdr *h;

	if (isola_nl_check_name(host->name, err) < 0 || isola_nl_check_name(peer->name, err) < 0)
		return -1;
	h = newlink_start(nl, host, 0, "veth", &li);
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	info = mnl_attr_nest_start(h, VETH_INFO_PEER);
	/* The peer is a whole ifinfomsg of its own, then its attributes. */
	mnl_nlmsg_put_extra_header(h, sizeof(struct ifinfomsg));
	put_link_opts(h, peer);
	mnl_attr_nest_end(h, info);
	mnl_attr_nest_end(h, data);
	if (newlink_send(nl, h, li, "veth", host->name, err) < 0)
		return isola_err_prefix(err, "peer \"%s\"", peer->name);
	return 0;
}

struct mode_name {
	const char *name;
	unsigned value;
};

static const struct mode_name macvlan_modes[] = {
    {"bridge", MACVLAN_MODE_BRIDGE},
    {"private", MACVLAN_MODE_PRIVATE},
    {"vepa", MACVLAN_MODE_VEPA},
    {"passthru", MACVLAN_MODE_PASSTHRU},
    {NULL, 0},
};

static const struct mode_name ipvlan_modes[] = {
    {"l2", IPVLAN_MODE_L2},
    {"l3", IPVLAN_MODE_L3},
    {"l3s", IPVLAN_MODE_L3S},
    {NULL, 0},
};

/* NULL or "": the first (docker's default: bridge, l2). */
static int mode_lookup(const struct mode_name *m, const char *kind, const char *mode,
		       struct isola_error *err)
{
	if (!mode || !*mode)
		return (int)m[0].value;
	for (; m->name; m++)
		if (!strcmp(m->name, mode))
			return (int)m->value;
	return isola_err(err, ISOLA_ERR_INVALID, 0, "unknown %s mode \"%s\"", kind, mode);
}

static int add_on_parent(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent,
			 const char *kind, const char *mode, struct isola_error *err)
{
	bool mac = !strcmp(kind, "macvlan");
	int m = mode_lookup(mac ? macvlan_modes : ipvlan_modes, kind, mode, err), parent_index;
	struct nlattr *li, *data;
	struct nlmsghdr *h;

	if (m < 0 || isola_nl_check_name(o->name, err) < 0)
		return isola_err_prefix(err, "add %s \"%s\"", kind, o->name ? o->name : "");
	parent_index = isola_nl_index_of(nl, parent, err);
	if (parent_index < 0)
		return isola_err_prefix(err, "add %s \"%s\": parent", kind, o->name);
	h = newlink_start(nl, o, parent_index, kind, &li);
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	if (mac)
		mnl_attr_put_u32(h, IFLA_MACVLAN_MODE, (uint32_t)m);
	else
		mnl_attr_put_u16(h, IFLA_IPVLAN_MODE, (uint16_t)m);
	mnl_attr_nest_end(h, data);
	return newlink_send(nl, h, li, kind, o->name, err);
}

int isola_link_add_macvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent,
			   const char *mode, struct isola_error *err)
{
	return add_on_parent(nl, o, parent, "macvlan", mode, err);
}

int isola_link_add_ipvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent,
			  const char *mode, struct isola_error *err)
{
	return add_on_parent(nl, o, parent, "ipvlan", mode, err);
}

/* ENODEV from a request naming a link: say which link is missing. */
static int link_err(struct isola_error *err, const char *name, const char *what)
{
	if (err && err->errnum == ENODEV)
		isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "link \"%s\" does not exist", name);
	return isola_err_prefix(err, "%s", what);
}

int isola_link_del(struct isola_nl *nl, const char *name, struct isola_error *err)
{
	struct nlmsghdr *h;
	if (isola_nl_check_name(name, err) < 0)
		return -1;
	h = link_msg(nl, RTM_DELLINK, 0, AF_UNSPEC, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (isola_nl_talk(nl, h, NULL, NULL, err) == 0)
		return 0;
	if (err && err->errnum == ENODEV) {
		isola_err_clear(err);
		return 0;
	}
	return isola_err_prefix(err, "delete link \"%s\"", name);
}

int isola_link_set_up(struct isola_nl *nl, const char *name, bool up, struct isola_error *err)
{
	struct nlmsghdr *h;
	struct ifinfomsg *ifi;
	if (isola_nl_check_name(name, err) < 0)
		return -1;
	h = link_msg(nl, RTM_SETLINK, 0, AF_UNSPEC, 0);
	ifi = mnl_nlmsg_get_payload(h);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	if (isola_nl_talk(nl, h, NULL, NULL, err) < 0)
		return link_err(err, name, up ? "set link up" : "set link down");
	return 0;
}

/* master NULL: out of its bridge. */
int isola_link_set_master(struct isola_nl *nl, const char *name, const char *master,
			  struct isola_error *err)
{
	struct nlmsghdr *h;
	int mi = 0;
	if (isola_nl_check_name(name, err) < 0)
		return -1;
	if (master && (mi = isola_nl_index_of(nl, master, err)) < 0)
		return isola_err_prefix(err, "set master of \"%s\"", name);
	h = link_msg(nl, RTM_SETLINK, 0, AF_UNSPEC, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	mnl_attr_put_u32(h, IFLA_MASTER, (uint32_t)mi);
	if (isola_nl_talk(nl, h, NULL, NULL, err) < 0)
		return link_err(err, name, "set master");
	return 0;
}

int isola_link_set_hairpin(struct isola_nl *nl, const char *name, bool on, struct isola_error *err)
{
	struct nlmsghdr *h;
	struct nlattr *pi;
	int index = isola_nl_index_of(nl, name, err);
	if (index < 0)
		return isola_err_prefix(err, "set hairpin");
	h = link_msg(nl, RTM_SETLINK, 0, AF_BRIDGE, index);
	/* The bridge reads a non-nested IFLA_PROTINFO as the old binary form,
	 * a bare u8 port STATE: without NLA_F_NESTED this would set the port's
	 * STP state instead of its mode. */
	pi = mnl_attr_nest_start(h, IFLA_PROTINFO);
	pi->nla_type |= NLA_F_NESTED;
	mnl_attr_put_u8(h, IFLA_BRPORT_MODE, on ? 1 : 0);
	mnl_attr_nest_end(h, pi);
	if (isola_nl_talk(nl, h, NULL, NULL, err) == 0)
		return 0;
	/* The request goes to the port's master: none, no bridge. */
	if (err && err->errnum == EOPNOTSUPP)
		isola_err(err, ISOLA_ERR_INVALID, 0, "link \"%s\" is not a bridge port", name);
	return isola_err_prefix(err, "set hairpin %s", on ? "on" : "off");
}

struct link_found {
	int index;
	bool has_mac;
	uint8_t mac[6];
};

static int link_found_cb(const struct nlmsghdr *h, void *data)
{
	struct link_found *f = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	if (h->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	f->index = ifi->ifi_index;
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_ADDRESS && mnl_attr_get_payload_len(a) == 6) {
			memcpy(f->mac, mnl_attr_get_payload(a), 6);
			f->has_mac = true;
		}
	}
	return MNL_CB_OK;
}

/* One RTM_GETLINK by name: 0 with f filled, -1 (ENODEV in err) when missing. */
static int link_get(struct isola_nl *nl, const char *name, struct link_found *f,
		    struct isola_error *err)
{
	struct nlmsghdr *h;
	memset(f, 0, sizeof(*f));
	if (isola_nl_check_name(name, err) < 0)
		return -1;
	h = link_msg(nl, RTM_GETLINK, 0, AF_UNSPEC, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	/* Counters are most of a link's reply and nobody here reads them. */
	mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return isola_nl_talk(nl, h, link_found_cb, f, err);
}

int isola_link_index(struct isola_nl *nl, const char *name, struct isola_error *err)
{
	struct link_found f;
	if (link_get(nl, name, &f, err) == 0)
		return f.index;
	if (err && err->errnum == ENODEV) {
		isola_err_clear(err);
		return 0;
	}
	return isola_err_prefix(err, "look up link \"%s\"", name ? name : "");
}

int isola_nl_index_of(struct isola_nl *nl, const char *name, struct isola_error *err)
{
	int index = isola_link_index(nl, name, err);
	if (index == 0) {
		isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "link \"%s\" does not exist", name);
		if (err)
			err->errnum = ENODEV;
		return -1;
	}
	return index;
}

int isola_link_get_mac(struct isola_nl *nl, const char *name, uint8_t mac[6],
		       struct isola_error *err)
{
	struct link_found f;
	if (link_get(nl, name, &f, err) < 0)
		return link_err(err, name, "get mac address");
	if (!f.has_mac)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "link \"%s\" has no mac address", name);
	memcpy(mac, f.mac, 6);
	return 0;
}
