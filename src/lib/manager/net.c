/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "isola-version.h"
#include "manager/internal.h"
#include "net/net.h"

/*
 * A container's networks in its record, docker's shapes:
 * HostConfig.NetworkMode ("isola", a user network, "none", "host" or
 * "container:<id>") and NetworkSettings.Networks {name: {IPAddress, ...}}.
 * Addresses are leased at create and kept until rm, so a container keeps
 * its address across restarts (LXC's dhcp-host without DHCP); the monitor
 * sets the links up at each start (isola-net up) and the netns dies with
 * the container.
 *
 * Names on user networks: every container's /etc/hosts lists the running
 * containers it shares a user network with, and is rewritten in place when
 * one starts, stops, connects or disconnects. No resolver process per
 * network (aardvark-dns's way) and no port 53 opened: nothing runs when no
 * container does. The default network, like docker's, gives no names.
 */

static bool is_special(const char *mode)
{
	return !strcmp(mode, "none") || !strcmp(mode, "host") || !strncmp(mode, "container:", 10);
}

static const char *net_name(const char *n)
{
	return !strcmp(n, "bridge") || !strcmp(n, "default") ? ISOLA_NET_DEFAULT : n;
}

bool mgr_net_joined(struct json_object *rec)
{
	struct json_object *nets = mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks");
	return nets && json_object_object_length(nets) > 0;
}

static void put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static struct json_object *strv_array(char *const *v)
{
	struct json_object *a = json_object_new_array();
	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

/* docker's MAC from the IPv4 address: 02:42 and the four bytes. */
static void mac_for(const struct isola_addr *a, const char *want, char out[18])
{
	if (want) {
		snprintf(out, 18, "%s", want);
		return;
	}
	const uint8_t *b = a->family == AF_INET ? (const uint8_t *)&a->v4 : NULL;
	uint8_t r[4] = {0};
	if (!b) {
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			memcpy(r, "\x11\x22\x33\x44", 4);
		b = r;
	}
	snprintf(out, 18, "02:42:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3]);
}

static int valid_mac(const char *s)
{
	unsigned v[6];
	char tail;
	return s &&
	       sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		      &tail) == 6 &&
	       !(v[0] & 1);
}

struct join_req {
	const char *ip, *ip6, *mac;
	char *const *aliases;
};

static int lease_family(struct isola_netstore *s, const struct isola_network *n, const char *id,
			int family, const char *want, struct isola_addr *got,
			struct isola_error *err)
{
	struct isola_addr w = {0};
	if (want && isola_addr_parse(want, &w, err) < 0)
		return -1;
	if (want && w.family != family)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "\"%s\" is not an IPv%d address", want,
				 family == AF_INET ? 4 : 6);
	return isola_ipam_lease(s, n, id, family, want ? &w : NULL, got, err) < 0 ? -1 : 0;
}

/* One network joined: its leases and the record's entry. */
/* The first ethN no network of the container uses yet. */
static void free_ifname(struct json_object *nets, char out[16])
{
	for (int i = 0; i < 100; i++) {
		snprintf(out, 16, "eth%d", i);
		bool used = false;
		json_object_object_foreach(nets, k, e)
		{
			(void)k;
			used |= !strcmp(mgr_str(e, "IfName", ""), out);
		}
		if (!used)
			return;
	}
}

static int join_one(struct isola_netstore *s, const char *id, const char *name,
		    const struct join_req *q, struct json_object *nets, struct isola_error *err)
{
	struct isola_network n;
	int r = !strcmp(name, ISOLA_NET_DEFAULT) ? isola_network_ensure_default(s, &n, err)
						 : isola_network_load(s, name, &n, err);
	if (r < 0 && err->kind == ISOLA_ERR_NOT_FOUND)
		err->kind = ISOLA_ERR_INVALID; /* not the image: `run` must not pull */
	if (r < 0)
		return -1;
	struct isola_addr a4 = {0}, a6 = {0};
	char buf[INET6_ADDRSTRLEN + 8], mac[18];
	if (q->ip && n.subnet4.addr.family == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "network %s has no IPv4 subnet",
				 n.name);
	if (q->ip6 && n.subnet6.addr.family == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "network %s has no IPv6 subnet",
				 n.name);
	if (n.subnet4.addr.family && lease_family(s, &n, id, AF_INET, q->ip, &a4, err) < 0)
		return isola_err_prefix(err, "network %s", n.name);
	if (n.subnet6.addr.family && lease_family(s, &n, id, AF_INET6, q->ip6, &a6, err) < 0)
		return isola_err_prefix(err, "network %s", n.name);
	struct json_object *e = json_object_new_object(), *ipam = json_object_new_object();
	char ifname[16];
	free_ifname(nets, ifname);
	json_object_object_add(nets, n.name, e);
	put_str(e, "NetworkID", n.id);
	put_str(e, "IfName", ifname);
	put_str(e, "Driver", n.driver);
	put_str(e, "IPAddress", a4.family ? isola_addr_str(&a4, buf, sizeof(buf)) : "");
	json_object_object_add(e, "IPPrefixLen",
			       json_object_new_int(a4.family ? n.subnet4.len : 0));
	put_str(e, "Gateway",
		n.gateway4.family ? isola_addr_str(&n.gateway4, buf, sizeof(buf)) : "");
	put_str(e, "GlobalIPv6Address", a6.family ? isola_addr_str(&a6, buf, sizeof(buf)) : "");
	json_object_object_add(e, "GlobalIPv6PrefixLen",
			       json_object_new_int(a6.family ? n.subnet6.len : 0));
	put_str(e, "IPv6Gateway",
		n.gateway6.family ? isola_addr_str(&n.gateway6, buf, sizeof(buf)) : "");
	mac_for(&a4, q->mac, mac);
	put_str(e, "MacAddress", mac);
	json_object_object_add(e, "Aliases", strv_array(q->aliases));
	put_str(ipam, "IPv4Address", q->ip);
	put_str(ipam, "IPv6Address", q->ip6);
	json_object_object_add(e, "IPAMConfig", ipam);
	return 0;
}

static int special_mode(struct isola_mgr *m, const struct isola_ctr_opts *o, const char *mode,
			struct json_object *hc, struct isola_error *err)
{
	if (o->networks && o->networks[1])
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "network \"%s\" cannot be combined with other networks", mode);
	if (o->ip || o->ip6 || o->mac || o->aliases || o->publish || o->publish_all)
		return isola_err(
		    err, ISOLA_ERR_INVALID, 0,
		    "--ip, --ip6, --mac-address, --network-alias and -p need a network "
		    "(not \"%s\")",
		    mode);
	if (strncmp(mode, "container:", 10) != 0) {
		put_str(hc, "NetworkMode", mode);
		return 0;
	}
	char id[65], v[80];
	if (isola_ctr_resolve(m, mode + 10, id, err) < 0)
		return isola_err_prefix(err, "--network %s", mode);
	snprintf(v, sizeof(v), "container:%s", id);
	put_str(hc, "NetworkMode", v);
	return 0;
}

int mgr_net_plan(struct isola_mgr *m, const char *id, const struct isola_ctr_opts *o,
		 struct json_object *rec, struct isola_error *err)
{
	struct json_object *hc = mgr_obj(rec, "HostConfig"), *ns = json_object_new_object(),
			   *nets = json_object_new_object();
	json_object_object_add(rec, "NetworkSettings", ns);
	json_object_object_add(ns, "Networks", nets);
	json_object_object_add(ns, "Ports", json_object_new_object());
	json_object_object_add(hc, "Dns", strv_array(o->dns));
	json_object_object_add(hc, "DnsSearch", strv_array(o->dns_search));
	json_object_object_add(hc, "DnsOptions", strv_array(o->dns_options));
	json_object_object_add(hc, "ExtraHosts", strv_array(o->extra_hosts));
	json_object_object_add(hc, "PublishAllPorts", json_object_new_boolean(o->publish_all));
	if (mgr_ports_parse(o->publish, hc, err) < 0)
		return -1;
	if (o->mac && !valid_mac(o->mac))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid MAC address \"%s\"", o->mac);
	const char *first = o->networks ? o->networks[0] : ISOLA_NET_DEFAULT;
	if (is_special(first))
		return special_mode(m, o, first, hc, err);
	put_str(hc, "NetworkMode", net_name(first));
	struct isola_netstore *s = isola_netstore_open(m->store->root, err);
	if (!s)
		return -1;
	int r = 0;
	for (size_t i = 0; r == 0 && (i == 0 || (o->networks && o->networks[i])); i++) {
		const char *name = net_name(o->networks ? o->networks[i] : first);
		struct join_req q = {NULL, NULL, NULL, o->aliases};
		if (i == 0)
			q = (struct join_req){o->ip, o->ip6, o->mac, o->aliases};
		if (is_special(name))
			r = isola_err(err, ISOLA_ERR_INVALID, 0,
				      "network \"%s\" cannot be combined with other networks",
				      name);
		else if (mgr_obj(nets, name))
			r = isola_err(err, ISOLA_ERR_INVALID, 0, "network %s given twice", name);
		else
			r = join_one(s, id, name, &q, nets, err);
	}
	if (r < 0)
		isola_ipam_release(s, NULL, id, NULL);
	isola_netstore_close(s);
	return r;
}

int mgr_net_join(struct isola_mgr *m, const char *id, const char *net, const char *ip,
		 const char *ip6, char *const *aliases, struct json_object *rec,
		 struct isola_error *err)
{
	struct json_object *ns = mgr_obj(rec, "NetworkSettings");
	struct json_object *nets = mgr_obj(ns, "Networks");
	const char *mode = mgr_str(mgr_obj(rec, "HostConfig"), "NetworkMode", "");
	if (!nets || is_special(mode))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "container %.12s is in network mode \"%s\": it joins no networks",
				 id, mode);
	if (mgr_obj(nets, net_name(net)))
		return isola_err(err, ISOLA_ERR_EXISTS, 0,
				 "container %.12s is already on network %s", id, net_name(net));
	struct isola_netstore *s = isola_netstore_open(m->store->root, err);
	if (!s)
		return -1;
	struct join_req q = {ip, ip6, NULL, aliases};
	int r = join_one(s, id, net_name(net), &q, nets, err);
	isola_netstore_close(s);
	return r;
}

int mgr_net_leave(struct isola_mgr *m, const char *id, const char *net, struct json_object *rec,
		  struct isola_error *err)
{
	struct json_object *nets = mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks");
	struct isola_network n;
	struct isola_netstore *s = isola_netstore_open(m->store->root, err);
	if (!s)
		return -1;
	int r = isola_network_load(s, net_name(net), &n, err);
	if (r == 0 && !mgr_obj(nets, n.name))
		r = isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "container %.12s is not on network %s",
			      id, n.name);
	if (r == 0)
		r = isola_ipam_release(s, &n, id, err);
	if (r == 0)
		json_object_object_del(nets, n.name);
	isola_netstore_close(s);
	return r;
}

void mgr_net_release(struct isola_mgr *m, const char *id)
{
	struct isola_netstore *s = isola_netstore_open(m->store->root, NULL);
	if (s) {
		isola_ipam_release(s, NULL, id, NULL);
		isola_netstore_close(s);
	}
}

/* ---- /etc/hosts and /etc/resolv.conf ------------------------------------ */

/* "name alias..." of a container on one network: its name, its aliases. */
static void host_line(FILE *f, const char *ip, struct json_object *rec, struct json_object *entry)
{
	if (!*ip)
		return;
	fprintf(f, "%s\t%s", ip, mgr_str(rec, "Name", "/") + 1);
	struct json_object *al = mgr_obj(entry, "Aliases");
	for (size_t i = 0; al && i < json_object_array_length(al); i++)
		fprintf(f, " %s", json_object_get_string(json_object_array_get_idx(al, i)));
	fputc('\n', f);
}

/* Calls fn for every running container other than id that shares a user network with rec. */
typedef void (*peer_fn)(struct isola_mgr *m, const char *net, struct json_object *peer, void *data);
static void each_peer(struct isola_mgr *m, const char *id, struct json_object *rec, peer_fn fn,
		      void *data)
{
	struct isola_netstore *s = isola_netstore_open(m->store->root, NULL);
	if (!s)
		return;
	json_object_object_foreach(mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks"), net, e)
	{
		(void)e;
		struct isola_network n;
		struct isola_lease *l = NULL;
		size_t nl = 0;
		if (!strcmp(net, ISOLA_NET_DEFAULT) || isola_network_load(s, net, &n, NULL) < 0 ||
		    isola_ipam_list(s, &n, &l, &nl, NULL) < 0)
			continue;
		for (size_t i = 0; i < nl; i++) {
			if (!strcmp(l[i].owner, id) ||
			    (i > 0 && !strcmp(l[i].owner, l[i - 1].owner)))
				continue;
			struct json_object *peer = isola_ctr_load(m, l[i].owner, NULL);
			if (peer && !strcmp(isola_ctr_status(m, peer), "running"))
				fn(m, net, peer, data);
			json_object_put(peer);
		}
		free(l);
	}
	isola_netstore_close(s);
}

static void peer_line(struct isola_mgr *m, const char *net, struct json_object *peer, void *data)
{
	(void)m;
	struct json_object *e = mgr_obj(mgr_obj(mgr_obj(peer, "NetworkSettings"), "Networks"), net);
	host_line(data, mgr_str(e, "IPAddress", ""), peer, e);
	host_line(data, mgr_str(e, "GlobalIPv6Address", ""), peer, e);
}

char *mgr_net_hosts_text(struct isola_mgr *m, const char *id, struct json_object *rec)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	const char *host = mgr_str(mgr_obj(rec, "Config"), "Hostname", "");
	fputs("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", f);
	struct json_object *extra = mgr_obj(mgr_obj(rec, "HostConfig"), "ExtraHosts");
	for (size_t i = 0; extra && i < json_object_array_length(extra); i++) {
		const char *h = json_object_get_string(json_object_array_get_idx(extra, i));
		const char *colon = strchr(h, ':');
		if (colon)
			fprintf(f, "%s\t%.*s\n", colon + 1, (int)(colon - h), h);
	}
	bool own = false;
	json_object_object_foreach(mgr_obj(mgr_obj(rec, "NetworkSettings"), "Networks"), net, e)
	{
		(void)net;
		const char *ip = mgr_str(e, "IPAddress", "");
		if (*ip && !own) {
			fprintf(f, "%s\t%s\n", ip, host);
			own = true;
		}
	}
	if (!own)
		fprintf(f, "127.0.1.1\t%s\n", host);
	if (m && id && strcmp(mgr_str(mgr_obj(rec, "State"), "Status", ""), "exited") != 0)
		each_peer(m, id, rec, peer_line, f);
	fclose(f);
	return text;
}

/* The host's resolv.conf without the loopback servers a container can't reach
 * (127.0.0.53 of systemd-resolved, ::1), or --dns/--dns-search/--dns-option. */
char *mgr_net_resolv_text(struct json_object *rec)
{
	struct json_object *hc = mgr_obj(rec, "HostConfig");
	bool hostnet = !strcmp(mgr_str(hc, "NetworkMode", ""), "host");
	cleanup_free char *host = NULL;
	if (isola_read_file_at(AT_FDCWD, "/etc/resolv.conf", &host, NULL, NULL) < 0)
		host = strdup("");
	if (hostnet || !host)
		return host ? strdup(host) : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	static const char *const keys[] = {"Dns", "DnsSearch", "DnsOptions"};
	static const char *const words[] = {"nameserver", "search", "options"};
	for (int k = 0; k < 3; k++) {
		struct json_object *v = mgr_obj(hc, keys[k]);
		size_t n = v ? json_object_array_length(v) : 0;
		for (size_t i = 0; i < n; i++) {
			const char *w = json_object_get_string(json_object_array_get_idx(v, i));
			if (k == 0)
				fprintf(f, "nameserver %s\n", w);
			else
				fprintf(f, "%s%s%s", i ? "" : words[k], " ", w);
		}
		if (k > 0 && n)
			fputc('\n', f);
	}
	bool own_dns = json_object_array_length(mgr_obj(hc, "Dns")) > 0;
	for (char *line = strtok(host, "\n"); line; line = strtok(NULL, "\n")) {
		char word[32] = "", val[256] = "";
		sscanf(line, "%31s %255s", word, val);
		bool ns = !strcmp(word, "nameserver");
		if ((ns && (own_dns || !strncmp(val, "127.", 4) || !strcmp(val, "::1"))) ||
		    (!strcmp(word, "search") && mgr_obj(hc, "DnsSearch") &&
		     json_object_array_length(mgr_obj(hc, "DnsSearch"))) ||
		    (!strcmp(word, "options") && mgr_obj(hc, "DnsOptions") &&
		     json_object_array_length(mgr_obj(hc, "DnsOptions"))))
			continue;
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	return text;
}

/* Rewrite in place: the file is bind-mounted, a rename would not be seen.
 * The new text is written over the old and the rest cut, so a reader never
 * meets an empty file. */
static void rewrite_hosts(struct isola_mgr *m, const char *net, struct json_object *peer,
			  void *data)
{
	(void)net, (void)data;
	const char *pid = mgr_str(peer, "Id", "");
	char path[4096];
	cleanup_free char *text = mgr_net_hosts_text(m, pid, peer);
	mgr_path(m, pid, "hosts", path, sizeof(path));
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !text)
		goto out;
	size_t len = strlen(text);
	if (pwrite(fd, text, len, 0) == (ssize_t)len)
		(void)!ftruncate(fd, (off_t)len);
out:
	if (fd >= 0)
		close(fd);
}

void mgr_net_hosts_refresh(struct isola_mgr *m, const char *id, struct json_object *rec)
{
	each_peer(m, id, rec, rewrite_hosts, NULL);
	if (!strcmp(isola_ctr_status(m, rec), "running"))
		rewrite_hosts(m, NULL, rec, NULL);
}

int mgr_net_helper(struct isola_mgr *m, const char *verb, const char *id, int netns_fd,
		   struct isola_error *err)
{
	const char *path = m->net_path ? m->net_path : ISOLA_LIBEXECDIR "/isola-net";
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		/* its stderr is our error message: one line */
		if (dup2(ep[1], 2) < 0 || (netns_fd >= 0 && dup2(netns_fd, 3) < 0))
			_exit(127);
		execl(path, "isola-net", verb, m->store->root, m->run, id, (char *)NULL);
		_exit(127);
	}
	close(ep[1]);
	if (pid < 0) {
		close(ep[0]);
		return isola_err_sys(err, "fork");
	}
	char msg[1024];
	ssize_t n, got = 0;
	while ((n = read(ep[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
		got += n;
	close(ep[0]);
	msg[got] = 0;
	msg[strcspn(msg, "\n")] = 0;
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && !got)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "network %s: cannot run \"%s\"", verb,
				 path);
	const char *text = strncmp(msg, "isola-net: ", 11) ? msg : msg + 11;
	return isola_err(err, ISOLA_ERR_SYSTEM, 0, "network %s: %s", verb,
			 *text ? text : "isola-net failed");
}
