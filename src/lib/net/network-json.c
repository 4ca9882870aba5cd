/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "net/internal.h"

/*
 * A network as stored: docker's `network inspect` object, so inspect prints
 * the file (plus the leases as Containers) and tools that read docker's
 * shape read ours.
 */

static void add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

static struct json_object *ipam_config(const struct isola_prefix *subnet,
				       const struct isola_addr *gw,
				       const struct isola_prefix *range)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct json_object *c = json_object_new_object();
	add_str(c, "Subnet", isola_prefix_str(subnet, buf, sizeof(buf)));
	if (range->addr.family)
		add_str(c, "IPRange", isola_prefix_str(range, buf, sizeof(buf)));
	if (gw->family)
		add_str(c, "Gateway", isola_addr_str(gw, buf, sizeof(buf)));
	return c;
}

static struct json_object *ipam_obj(const struct isola_network *n)
{
	struct json_object *ipam = json_object_new_object(), *cfg = json_object_new_array();
	add_str(ipam, "Driver", "default");
	json_object_object_add(ipam, "Options", json_object_new_object());
	if (n->subnet4.addr.family)
		json_object_array_add(cfg, ipam_config(&n->subnet4, &n->gateway4, &n->range4));
	if (n->subnet6.addr.family)
		json_object_array_add(cfg, ipam_config(&n->subnet6, &n->gateway6, &n->range6));
	json_object_object_add(ipam, "Config", cfg);
	return ipam;
}

static struct json_object *options_obj(const struct isola_network *n)
{
	struct json_object *o = json_object_new_object();
	if (n->device[0])
		add_str(o, strcmp(n->driver, "bridge") ? "parent" : "isola.bridge", n->device);
	if (n->mode[0])
		add_str(o, "mode", n->mode);
	if (n->mtu) {
		char mtu[16];
		snprintf(mtu, sizeof(mtu), "%u", n->mtu);
		add_str(o, "mtu", mtu);
	}
	return o;
}

static struct json_object *labels_obj(char *const *labels)
{
	struct json_object *o = json_object_new_object();
	for (; labels && *labels; labels++) {
		const char *eq = strchr(*labels, '=');
		char key[256];
		int klen = (int)(eq ? eq - *labels : (long)strlen(*labels));
		snprintf(key, sizeof(key), "%.*s", klen, *labels);
		add_str(o, key, eq ? eq + 1 : "");
	}
	return o;
}

struct json_object *net_to_json(const struct isola_network *n)
{
	struct json_object *o = json_object_new_object(), *from = json_object_new_object();
	add_str(o, "Name", n->name);
	add_str(o, "Id", n->id);
	add_str(o, "Created", n->created);
	add_str(o, "Scope", "local");
	add_str(o, "Driver", n->driver);
	json_object_object_add(o, "EnableIPv6", json_object_new_boolean(n->ipv6));
	json_object_object_add(o, "IPAM", ipam_obj(n));
	json_object_object_add(o, "Internal", json_object_new_boolean(n->internal));
	json_object_object_add(o, "Attachable", json_object_new_boolean(false));
	json_object_object_add(o, "Ingress", json_object_new_boolean(false));
	add_str(from, "Network", "");
	json_object_object_add(o, "ConfigFrom", from);
	json_object_object_add(o, "ConfigOnly", json_object_new_boolean(false));
	json_object_object_add(o, "Containers", json_object_new_object());
	json_object_object_add(o, "Options", options_obj(n));
	json_object_object_add(o, "Labels", labels_obj(n->labels));
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v;
	return o && json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static int config_from_json(struct json_object *c, struct isola_network *n)
{
	struct isola_prefix p;
	if (isola_prefix_parse(jstr(c, "Subnet"), &p, NULL) < 0)
		return -1;
	bool v4 = p.addr.family == AF_INET;
	*(v4 ? &n->subnet4 : &n->subnet6) = p;
	if (*jstr(c, "Gateway") &&
	    isola_addr_parse(jstr(c, "Gateway"), v4 ? &n->gateway4 : &n->gateway6, NULL) < 0)
		return -1;
	if (*jstr(c, "IPRange") &&
	    isola_prefix_parse(jstr(c, "IPRange"), v4 ? &n->range4 : &n->range6, NULL) < 0)
		return -1;
	return 0;
}

int net_from_json(struct json_object *o, struct isola_network *n)
{
	struct json_object *ipam = NULL, *cfg = NULL, *opts = NULL;
	*n = (struct isola_network){0};
	snprintf(n->name, sizeof(n->name), "%s", jstr(o, "Name"));
	snprintf(n->id, sizeof(n->id), "%s", jstr(o, "Id"));
	snprintf(n->driver, sizeof(n->driver), "%s", jstr(o, "Driver"));
	snprintf(n->created, sizeof(n->created), "%s", jstr(o, "Created"));
	n->ipv6 = jbool(o, "EnableIPv6");
	n->internal = jbool(o, "Internal");
	json_object_object_get_ex(o, "Options", &opts);
	const char *dev = jstr(opts, strcmp(n->driver, "bridge") ? "parent" : "isola.bridge");
	snprintf(n->device, sizeof(n->device), "%s", dev);
	snprintf(n->mode, sizeof(n->mode), "%s", jstr(opts, "mode"));
	unsigned long long mtu = 0;
	if (*jstr(opts, "mtu") && isola_parse_u64(jstr(opts, "mtu"), &mtu) == 0)
		n->mtu = (unsigned)mtu;
	if (json_object_object_get_ex(o, "IPAM", &ipam))
		json_object_object_get_ex(ipam, "Config", &cfg);
	for (size_t i = 0; cfg && i < json_object_array_length(cfg); i++) {
		if (config_from_json(json_object_array_get_idx(cfg, i), n) < 0)
			return -1;
	}
	return n->name[0] && strlen(n->id) == 64 && n->driver[0] ? 0 : -1;
}

/* Containers: {owner: {IPv4Address "a/len", IPv6Address}} from the leases. */
static void add_leases(struct json_object *ctrs, const struct isola_network *n,
		       const struct isola_lease *l, size_t nl)
{
	for (size_t i = 0; i < nl; i++) {
		struct json_object *e;
		if (!json_object_object_get_ex(ctrs, l[i].owner, &e)) {
			e = json_object_new_object();
			add_str(e, "IPv4Address", "");
			add_str(e, "IPv6Address", "");
			json_object_object_add(ctrs, l[i].owner, e);
		}
		bool v4 = l[i].addr.family == AF_INET;
		char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 8];
		snprintf(text, sizeof(text), "%s/%d", isola_addr_str(&l[i].addr, a, sizeof(a)),
			 v4 ? n->subnet4.len : n->subnet6.len);
		add_str(e, v4 ? "IPv4Address" : "IPv6Address", text);
	}
}

char *isola_network_json(struct isola_netstore *s, const struct isola_network *n,
			 struct isola_error *err)
{
	char path[128];
	cleanup_free char *text = NULL;
	cleanup_free struct isola_lease *leases = NULL;
	size_t nl = 0;
	snprintf(path, sizeof(path), "%s.json", n->name);
	if (isola_read_file_at(s->dirfd, path, &text, NULL, err) < 0 ||
	    isola_ipam_list(s, n, &leases, &nl, err) < 0)
		return NULL;
	struct json_object *o = json_tokener_parse(text), *ctrs = json_object_new_object();
	if (!o) {
		json_object_put(ctrs);
		isola_err(err, ISOLA_ERR_INVALID, 0, "network \"%s\": corrupt \"%s\"", n->name,
			  path);
		return NULL;
	}
	add_leases(ctrs, n, leases, nl);
	json_object_object_add(o, "Containers", ctrs);
	char *out = strdup(json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!out)
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "network \"%s\"", n->name);
	return out;
}
