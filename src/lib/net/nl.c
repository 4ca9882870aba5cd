/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Stubs: rtnetlink is not implemented yet. */
#include "net/net.h"

static int nyi(struct isola_error *err)
{
	return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "rtnetlink: not implemented");
}

struct isola_nl *isola_nl_open(int netns_fd, struct isola_error *err)
{
	nyi(err);
	return NULL;
}
void isola_nl_close(struct isola_nl *nl) {}
int isola_link_index(struct isola_nl *nl, const char *name, struct isola_error *err) { return nyi(err); }
int isola_link_add_bridge(struct isola_nl *nl, const struct isola_link_opts *o, struct isola_error *err) { return nyi(err); }
int isola_link_add_dummy(struct isola_nl *nl, const struct isola_link_opts *o, struct isola_error *err) { return nyi(err); }
int isola_link_add_veth(struct isola_nl *nl, const struct isola_link_opts *host, const struct isola_link_opts *peer, struct isola_error *err) { return nyi(err); }
int isola_link_add_macvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent, const char *mode, struct isola_error *err) { return nyi(err); }
int isola_link_add_ipvlan(struct isola_nl *nl, const struct isola_link_opts *o, const char *parent, const char *mode, struct isola_error *err) { return nyi(err); }
int isola_link_del(struct isola_nl *nl, const char *name, struct isola_error *err) { return nyi(err); }
int isola_link_set_up(struct isola_nl *nl, const char *name, bool up, struct isola_error *err) { return nyi(err); }
int isola_link_set_master(struct isola_nl *nl, const char *name, const char *master, struct isola_error *err) { return nyi(err); }
int isola_link_get_mac(struct isola_nl *nl, const char *name, uint8_t mac[6], struct isola_error *err) { return nyi(err); }
int isola_link_set_hairpin(struct isola_nl *nl, const char *name, bool on, struct isola_error *err) { return nyi(err); }
int isola_addr_add(struct isola_nl *nl, const char *ifname, const struct isola_addr *a, int prefixlen, struct isola_error *err) { return nyi(err); }
int isola_route_add(struct isola_nl *nl, const struct isola_prefix *dst, const struct isola_addr *gw, const char *ifname, struct isola_error *err) { return nyi(err); }
int isola_route_each(struct isola_nl *nl, int (*fn)(void *data, const struct isola_prefix *p, const char *ifname), void *data, struct isola_error *err) { return nyi(err); }
int isola_net_sysctl(const char *key, const char *value, struct isola_error *err) { return nyi(err); }
