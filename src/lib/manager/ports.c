/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "manager/internal.h"

/*
 * Published ports (-p, -P). The record keeps docker's shapes:
 * HostConfig.PortBindings {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}
 * as asked, and NetworkSettings.Ports with what a start really bound (a
 * random port for an empty HostPort). The monitor holds each host port as a
 * bound socket for the container's life: a port in use fails the start with
 * a clear error, and nothing else can take the port while the container
 * runs. The traffic itself never reaches those sockets: nftables DNATs it.
 */

struct range {
	long lo, hi;
};

static int parse_range(const char *s, size_t len, struct range *r)
{
	char buf[32], *end;
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	r->lo = strtol(buf, &end, 10);
	r->hi = r->lo;
	if (*end == '-')
		r->hi = strtol(end + 1, &end, 10);
	return *end || r->lo < 1 || r->hi > 65535 || r->hi < r->lo ? -1 : 0;
}

static void add_binding(struct json_object *pb, long cport, const char *proto, const char *ip,
			long hport)
{
	char key[32], hp[16] = "";
	snprintf(key, sizeof(key), "%ld/%s", cport, proto);
	if (hport > 0)
		snprintf(hp, sizeof(hp), "%ld", hport);
	struct json_object *list = mgr_obj(pb, key), *b = json_object_new_object();
	if (!list) {
		list = json_object_new_array();
		json_object_object_add(pb, key, list);
	}
	json_object_object_add(b, "HostIp", json_object_new_string(ip));
	json_object_object_add(b, "HostPort", json_object_new_string(hp));
	json_object_array_add(list, b);
}

/* [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]; IPv6 addresses in brackets. */
static int parse_one(struct json_object *pb, const char *spec, struct isola_error *err)
{
	char ip[64] = "", proto[8] = "tcp";
	const char *s = spec, *slash = strrchr(spec, '/');
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec);
	if (slash && (!strcmp(slash + 1, "tcp") || !strcmp(slash + 1, "udp")))
		snprintf(proto, sizeof(proto), "%s", slash + 1);
	else if (slash)
		goto bad;
	if (*s == '[') {
		const char *close = memchr(s, ']', len);
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(ip))
			goto bad;
		memcpy(ip, s + 1, (size_t)(close - s - 1));
		len -= (size_t)(close + 2 - s);
		s = close + 2;
	}
	const char *c1 = memchr(s, ':', len),
		   *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s)) : NULL;
	const char *hs = NULL, *cs = s;
	size_t hlen = 0, clen = len;
	if (c2) { /* IP:HOST:CTR */
		if (*ip || (size_t)(c1 - s) >= sizeof(ip))
			goto bad;
		memcpy(ip, s, (size_t)(c1 - s));
		hs = c1 + 1, hlen = (size_t)(c2 - hs), cs = c2 + 1, clen = len - (size_t)(cs - s);
	} else if (c1) { /* HOST:CTR */
		hs = s, hlen = (size_t)(c1 - s), cs = c1 + 1, clen = len - (size_t)(cs - s);
	}
	unsigned char tmp[16];
	if (*ip && inet_pton(AF_INET, ip, tmp) != 1 && inet_pton(AF_INET6, ip, tmp) != 1)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid IP address \"%s\" in \"%s\"",
				 ip, spec);
	struct range cr, hr = {0, 0};
	if (parse_range(cs, clen, &cr) < 0 || (hlen && parse_range(hs, hlen, &hr) < 0))
		goto bad;
	long n = cr.hi - cr.lo + 1;
	if (hlen && hr.hi - hr.lo + 1 != n && !(n == 1))
		return isola_err(
		    err, ISOLA_ERR_INVALID, 0,
		    "invalid port range \"%s\": host and container ranges differ in size", spec);
	for (long i = 0; i < n; i++)
		add_binding(pb, cr.lo + i, proto, ip, hlen ? hr.lo + (hr.hi > hr.lo ? i : 0) : 0);
	return 0;
bad:
	return isola_err(
	    err, ISOLA_ERR_INVALID, 0,
	    "invalid port specification \"%s\": want [IP:][HOSTPORT:]CONTAINERPORT[/tcp|/udp]",
	    spec);
}

int mgr_ports_parse(char *const *publish, struct json_object *hc, struct isola_error *err)
{
	struct json_object *pb = json_object_new_object();
	json_object_object_add(hc, "PortBindings", pb);
	for (; publish && *publish; publish++)
		if (parse_one(pb, *publish, err) < 0)
			return -1;
	return 0;
}

/* One host port, bound (not listening); port 0: the kernel picks one. */
static int hold_port(const char *ip, const char *proto, long port, long *got,
		     struct isola_error *err)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(*a4);
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	if (*ip && inet_pton(AF_INET, ip, &a4->sin_addr) != 1) {
		memset(&ss, 0, sizeof(ss));
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		len = sizeof(*a6);
		if (inet_pton(AF_INET6, ip, &a6->sin6_addr) != 1)
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid host IP \"%s\"", ip);
	}
	int fd = socket(ss.ss_family,
			(!strcmp(proto, "udp") ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return isola_err_sys(err, "socket");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		return isola_err(err, e == EADDRINUSE ? ISOLA_ERR_BUSY : ISOLA_ERR_SYSTEM, e,
				 "publish %s%s%ld/%s", ip, *ip ? ":" : "", port, proto);
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*got = ntohs(ss.ss_family == AF_INET ? a4->sin_port : a6->sin6_port);
	return fd;
}

struct held {
	int *fds;
	size_t n;
};

static int bind_list(struct json_object *out, const char *key, struct json_object *list,
		     struct held *h, struct isola_error *err)
{
	char proto[8] = "tcp";
	const char *slash = strchr(key, '/');
	if (slash)
		snprintf(proto, sizeof(proto), "%s", slash + 1);
	struct json_object *res = json_object_new_array();
	json_object_object_add(out, key, res);
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *b = json_object_array_get_idx(list, i);
		const char *ip = mgr_str(b, "HostIp", "");
		long got = 0;
		int fd = hold_port(ip, proto, atol(mgr_str(b, "HostPort", "0")), &got, err);
		if (fd < 0)
			return -1;
		int *nf = realloc(h->fds, (h->n + 1) * sizeof(int));
		if (!nf)
			return close(fd), isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "publish");
		h->fds = nf;
		h->fds[h->n++] = fd;
		char hp[16];
		snprintf(hp, sizeof(hp), "%ld", got);
		struct json_object *r = json_object_new_object();
		json_object_object_add(r, "HostIp", json_object_new_string(*ip ? ip : "0.0.0.0"));
		json_object_object_add(r, "HostPort", json_object_new_string(hp));
		json_object_array_add(res, r);
	}
	return 0;
}

/* -P: every port the image exposes that has no binding gets a random host port. */
static struct json_object *bindings_wanted(struct json_object *rec)
{
	struct json_object *hc = mgr_obj(rec, "HostConfig"), *want = NULL;
	json_object_deep_copy(mgr_obj(hc, "PortBindings"), &want, NULL);
	if (!want)
		want = json_object_new_object();
	if (!mgr_bool(hc, "PublishAllPorts"))
		return want;
	json_object_object_foreach(mgr_obj(mgr_obj(rec, "Config"), "ExposedPorts"), key, v)
	{
		(void)v;
		char k[32];
		snprintf(k, sizeof(k), "%s%s", key, strchr(key, '/') ? "" : "/tcp");
		if (!mgr_obj(want, k))
			add_binding(want, atol(k), strchr(k, '/') + 1, "", 0);
	}
	return want;
}

int mgr_ports_bind(struct json_object *rec, int **fds, size_t *nfds, struct isola_error *err)
{
	struct json_object *want = bindings_wanted(rec), *out = json_object_new_object();
	struct held h = {NULL, 0};
	int r = 0;
	json_object_object_foreach(want, key, list)
	{
		if ((r = bind_list(out, key, list, &h, err)) < 0)
			break;
	}
	json_object_put(want);
	if (r < 0) {
		for (size_t i = 0; i < h.n; i++)
			close(h.fds[i]);
		free(h.fds);
		json_object_put(out);
		return -1;
	}
	struct json_object *ns = mgr_obj(rec, "NetworkSettings");
	if (!ns) {
		ns = json_object_new_object();
		json_object_object_add(rec, "NetworkSettings", ns);
	}
	json_object_object_add(ns, "Ports", out);
	*fds = h.fds;
	*nfds = h.n;
	return 0;
}
