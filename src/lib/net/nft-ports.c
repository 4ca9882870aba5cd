/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Published ports: elements of four maps of table "inet isola" (nft.c),
 *   ports4    host ipv4 . proto . port : container ipv4 . port
 *   ports4any proto . port               : container ipv4 . port   (every address)
 *   ports6, ports6any                      the same for IPv6
 * so a container's ports are added and removed exactly, atomically and
 * without rule handles, and the maps are the list prune reads. The kernel
 * takes a second "add" of the same key and value as a no-op (publishing
 * again is idempotent) and refuses the same key with another value (EEXIST):
 * a host port goes to one container.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cleanup.h"
#include "net/nft-int.h"

static const char *map_name(const struct isola_nft_port *p)
{
	if (p->ctr_ip.family == AF_INET)
		return p->host_ip.family ? "ports4" : "ports4any";
	return p->host_ip.family ? "ports6" : "ports6any";
}

static const char *proto_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static int addr_eq(const struct isola_addr *a, const struct isola_addr *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : a->family ? 16 : 0) == 0;
}

static int key_eq(const struct isola_nft_port *a, const struct isola_nft_port *b)
{
	return a->proto == b->proto && a->host_port == b->host_port &&
	       addr_eq(&a->host_ip, &b->host_ip) && a->ctr_ip.family == b->ctr_ip.family;
}

static int port_eq(const struct isola_nft_port *a, const struct isola_nft_port *b)
{
	return key_eq(a, b) && addr_eq(&a->ctr_ip, &b->ctr_ip) && a->ctr_port == b->ctr_port;
}

/* "tcp port 8080" / "tcp port 127.0.0.1:8080" / "tcp port [::1]:8080" */
static const char *port_str(const struct isola_nft_port *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "";
	if (p->host_ip.family)
		inet_ntop(p->host_ip.family, p->host_ip.bytes, a, sizeof(a));
	int v6 = p->host_ip.family == AF_INET6;
	snprintf(buf, len, "%s port %s%s%s%s%u", proto_name(p->proto), v6 ? "[" : "", a,
		 v6 ? "]" : "", a[0] ? ":" : "", p->host_port);
	return buf;
}

static int check_port(const struct isola_nft_port *p, struct isola_error *err)
{
	char s[80];
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "published port: protocol %d is neither tcp nor udp", p->proto);
	port_str(p, s, sizeof(s));
	if (p->host_port == 0 || p->ctr_port == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "published %s: port 0", s);
	if (p->ctr_ip.family != AF_INET && p->ctr_ip.family != AF_INET6)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "published %s: no container address",
				 s);
	if (p->host_ip.family && p->host_ip.family != p->ctr_ip.family)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "published %s: host and container addresses of different families",
				 s);
	return 0;
}

/* "add element inet isola ports4 { 127.0.0.1 . tcp . 8080 : 10.88.0.2 . 80 }" */
static void element(FILE *f, const char *verb, const struct isola_nft_port *p, int with_value)
{
	char h[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];
	fprintf(f, "%s element inet isola %s { ", verb, map_name(p));
	if (p->host_ip.family)
		fprintf(f, "%s . ", inet_ntop(p->host_ip.family, p->host_ip.bytes, h, sizeof(h)));
	fprintf(f, "%s . %u", proto_name(p->proto), p->host_port);
	if (with_value)
		fprintf(f, " : %s . %u", inet_ntop(p->ctr_ip.family, p->ctr_ip.bytes, c, sizeof(c)),
			p->ctr_port);
	fputs(" }\n", f);
}

/* The element [key, value] of map `name` as a port; 0 when it is not one
 * of ours (or not understood). */
static int parse_elem(const char *name, struct json_object *el, struct isola_nft_port *p)
{
	struct json_object *k, *v;
	memset(p, 0, sizeof(*p));
	if (json_object_array_length(el) != 2 ||
	    !json_object_object_get_ex(json_object_array_get_idx(el, 0), "concat", &k) ||
	    !json_object_object_get_ex(json_object_array_get_idx(el, 1), "concat", &v) ||
	    json_object_array_length(v) != 2)
		return 0;
	int fam = strchr(name, '6') ? AF_INET6 : AF_INET;
	size_t i = 0, nk = json_object_array_length(k);
	if (nk == 3) {
		p->host_ip.family = fam;
		if (inet_pton(fam, json_object_get_string(json_object_array_get_idx(k, i++)),
			      p->host_ip.bytes) != 1)
			return 0;
	} else if (nk != 2) {
		return 0;
	}
	const char *proto = json_object_get_string(json_object_array_get_idx(k, i++));
	p->proto = strcmp(proto, "tcp") == 0 ? IPPROTO_TCP : strcmp(proto, "udp") == 0 ? IPPROTO_UDP : 0;
	p->host_port = (uint16_t)json_object_get_int(json_object_array_get_idx(k, i));
	p->ctr_ip.family = fam;
	if (inet_pton(fam, json_object_get_string(json_object_array_get_idx(v, 0)),
		      p->ctr_ip.bytes) != 1)
		return 0;
	p->ctr_port = (uint16_t)json_object_get_int(json_object_array_get_idx(v, 1));
	return p->proto && p->host_port && p->ctr_port;
}

/* Append the ports of one map object of the listing to *out. */
static int collect_map(struct json_object *map, struct isola_nft_port **out, size_t *n)
{
	struct json_object *name, *elems;
	if (!json_object_object_get_ex(map, "name", &name) ||
	    strncmp(json_object_get_string(name), "ports", 5) != 0 ||
	    !json_object_object_get_ex(map, "elem", &elems))
		return 0;
	size_t ne = json_object_array_length(elems);
	struct isola_nft_port *v = realloc(*out, (*n + ne + 1) * sizeof(*v));
	if (!v)
		return -1;
	*out = v;
	for (size_t i = 0; i < ne; i++)
		if (parse_elem(json_object_get_string(name), json_object_array_get_idx(elems, i),
			       &v[*n]))
			(*n)++;
	return 0;
}

static int ports_list(struct nft_ctx *ctx, struct isola_nft_port **out, size_t *n,
		      struct isola_error *err)
{
	struct json_object *list;
	*out = NULL;
	*n = 0;
	if (isola_nft_list(ctx, &list, err) < 0)
		return -1;
	size_t nl = list ? json_object_array_length(list) : 0;
	for (size_t i = 0; i < nl; i++) {
		struct json_object *map;
		if (!json_object_object_get_ex(json_object_array_get_idx(list, i), "map", &map))
			continue;
		if (collect_map(map, out, n) < 0) {
			json_object_put(list);
			free(*out);
			*out = NULL;
			*n = 0;
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "nftables: published ports");
		}
	}
	json_object_put(list);
	return 0;
}

int isola_nft_ports_list(struct isola_nft_port **out, size_t *n, struct isola_error *err)
{
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	int rc = ports_list(ctx, out, n, err);
	nft_ctx_free(ctx);
	return rc;
}

/* After the kernel said EEXIST: name the port and where it goes now. */
static int conflict(struct nft_ctx *ctx, const struct isola_nft_port *p, size_t n,
		    struct isola_error *err)
{
	cleanup_free struct isola_nft_port *have = NULL;
	size_t nh;
	struct isola_error e2;
	if (ports_list(ctx, &have, &nh, &e2) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < nh; j++)
			if (key_eq(&p[i], &have[j]) && !port_eq(&p[i], &have[j])) {
				char s[80], a[INET6_ADDRSTRLEN];
				inet_ntop(have[j].ctr_ip.family, have[j].ctr_ip.bytes, a, sizeof(a));
				return isola_err(err, ISOLA_ERR_EXISTS, 0,
						 "%s is already published to %s port %u",
						 port_str(&p[i], s, sizeof(s)), a, have[j].ctr_port);
			}
	return -1;
}

static int check_ports(const struct isola_nft_port *p, size_t n, struct isola_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (check_port(&p[i], err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (key_eq(&p[i], &p[j]) && !port_eq(&p[i], &p[j])) {
				char s[80];
				return isola_err(err, ISOLA_ERR_INVALID, 0,
						 "published %s: given twice, to different targets",
						 port_str(&p[i], s, sizeof(s)));
			}
	}
	return 0;
}

int isola_nft_ports_add(const struct isola_nft_port *p, size_t n, struct isola_error *err)
{
	if (check_ports(p, n, err) < 0)
		return -1;
	if (n == 0)
		return 0;
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	char *buf;
	size_t len;
	int rc = -1;
	FILE *f = isola_nft_text(&buf, &len, err);
	if (f) {
		fputs(isola_nft_preamble, f);
		for (size_t i = 0; i < n; i++)
			element(f, "add", &p[i], 1);
		if (isola_nft_text_end(f, err) == 0)
			rc = isola_nft_run(ctx, buf, err);
		free(buf);
	}
	if (rc < 0 && err && err->kind == ISOLA_ERR_EXISTS)
		conflict(ctx, p, n, err);
	nft_ctx_free(ctx);
	return rc;
}

int isola_nft_ports_del(const struct isola_nft_port *p, size_t n, struct isola_error *err)
{
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	cleanup_free struct isola_nft_port *have = NULL;
	size_t nh, todo = 0, len;
	char *buf = NULL;
	int rc = ports_list(ctx, &have, &nh, err);
	FILE *f = rc < 0 ? NULL : isola_nft_text(&buf, &len, err);
	if (!f) {
		nft_ctx_free(ctx);
		return -1;
	}
	/* Only an exact match goes: the same host port may meanwhile belong to
	 * another container, and a missing element would fail the batch. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < nh; j++)
			if (port_eq(&p[i], &have[j])) {
				element(f, "delete", &have[j], 0);
				have[j].proto = 0; /* given twice: delete once */
				todo++;
			}
	rc = isola_nft_text_end(f, err);
	if (rc == 0 && todo > 0)
		rc = isola_nft_run(ctx, buf, err);
	free(buf);
	nft_ctx_free(ctx);
	return rc;
}
