/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * NAT and isolation for isola's bridge networks, in one nftables table of our
 * own, "inet isola" (inet NAT works since Linux 5.2: one table serves IPv4 and
 * IPv6). Nothing here reads or writes another table, so iptables-nft, docker
 * and podman rules keep working beside ours; in turn, a drop in their tables
 * (docker's FORWARD policy drop) still wins, since an accept in one base
 * chain never overrides a drop in another. Our forward chain therefore only
 * drops (internal networks) and never bothers to accept.
 *
 *   maps ports4, ports4any, ports6, ports6any   published ports (nft-ports.c)
 *   chain publish      DNAT through those maps
 *   chain prerouting   nat/dstnat: to a local address -> publish (from outside,
 *                      and from containers, which reach the gateway address)
 *   chain output       nat/-100: the same for the host's own connections,
 *                      127.0.0.1 included (with route_localnet on the bridge)
 *   chain postrouting  nat/srcnat, per network: masquerade its subnets leaving
 *                      by another interface; masquerade DNATed connections
 *                      going out its bridge from its subnet (hairpin: else the
 *                      reply would go container to container, bypassing the
 *                      NAT) or from 127.0.0.0/8 (the container can't answer
 *                      its own loopback)
 *   chain forward      filter, per internal network: drop what crosses the
 *                      bridge's boundary either way
 *
 * A network's rules carry the bridge's name as comment: that is how
 * network_add replaces them (idempotent) and network_del finds them, in one
 * transaction each. The table, maps and base chains are re-declared (and the
 * rule-less-of-networks chains flushed and refilled) at every change, so a
 * half-deleted or stale table heals itself.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "net/nft-int.h"

/* "output" has no symbolic dstnat priority in nft 1.0.6: -100 is dstnat. */
const char isola_nft_preamble[] =
	"add table inet isola\n"
	"add map inet isola ports4 { type ipv4_addr . inet_proto . inet_service :"
	" ipv4_addr . inet_service; }\n"
	"add map inet isola ports4any { type inet_proto . inet_service :"
	" ipv4_addr . inet_service; }\n"
	"add map inet isola ports6 { type ipv6_addr . inet_proto . inet_service :"
	" ipv6_addr . inet_service; }\n"
	"add map inet isola ports6any { type inet_proto . inet_service :"
	" ipv6_addr . inet_service; }\n"
	"add chain inet isola publish\n"
	"flush chain inet isola publish\n"
	"add rule inet isola publish dnat ip to ip daddr . meta l4proto . th dport map @ports4\n"
	"add rule inet isola publish dnat ip to meta l4proto . th dport map @ports4any\n"
	"add rule inet isola publish dnat ip6 to ip6 daddr . meta l4proto . th dport map @ports6\n"
	"add rule inet isola publish dnat ip6 to meta l4proto . th dport map @ports6any\n"
	"add chain inet isola prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"
	"flush chain inet isola prerouting\n"
	"add rule inet isola prerouting fib daddr type local jump publish\n"
	"add chain inet isola output { type nat hook output priority -100; policy accept; }\n"
	"flush chain inet isola output\n"
	"add rule inet isola output fib daddr type local jump publish\n"
	"add chain inet isola postrouting { type nat hook postrouting priority srcnat;"
	" policy accept; }\n"
	"add chain inet isola forward { type filter hook forward priority filter;"
	" policy accept; }\n";

struct nft_ctx *isola_nft_ctx(struct isola_error *err)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "nftables: new context");
		return NULL;
	}
	if (nft_ctx_buffer_output(ctx) < 0 || nft_ctx_buffer_error(ctx) < 0) {
		nft_ctx_free(ctx);
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "nftables: output buffers");
		return NULL;
	}
	return ctx;
}

/* nft's first error line ("Error: Could not process rule: File exists")
 * plus the command it was about, without the caret line. */
static int nft_error(const char *text, struct isola_error *err)
{
	char line[512] = "", cmd[512] = "";
	const char *nl = strchr(text, '\n');
	size_t n = nl ? (size_t)(nl - text) : strlen(text);
	if (strncmp(text, "Error: ", 7) == 0 && n >= 7) {
		text += 7;
		n -= 7;
	}
	snprintf(line, sizeof(line), "%.*s", (int)n, text);
	if (nl && nl[1]) {
		const char *e = strchr(nl + 1, '\n');
		snprintf(cmd, sizeof(cmd), " (in \"%.*s\")", (int)(e ? e - nl - 1 : 200), nl + 1);
	}
	line[0] = (char)tolower((unsigned char)line[0]);
	int kind = ISOLA_ERR_SYSTEM;
	if (strstr(line, strerror(EEXIST)))
		kind = ISOLA_ERR_EXISTS;
	else if (strstr(line, strerror(ENOENT)))
		kind = ISOLA_ERR_NOT_FOUND;
	return isola_err(err, kind, 0, "nftables: %s%s", line[0] ? line : "failed", cmd);
}

int isola_nft_run(struct nft_ctx *ctx, const char *cmd, struct isola_error *err)
{
	if (nft_run_cmd_from_buffer(ctx, cmd) == 0)
		return 0;
	return nft_error(nft_ctx_get_error_buffer(ctx), err);
}

int isola_nft_list(struct nft_ctx *ctx, struct json_object **out, struct isola_error *err)
{
	*out = NULL;
	unsigned flags = nft_ctx_output_get_flags(ctx);
	nft_ctx_output_set_flags(ctx, flags | NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
	int rc = nft_run_cmd_from_buffer(ctx, "list table inet isola");
	nft_ctx_output_set_flags(ctx, flags);
	if (rc != 0) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		/* No table yet is an empty list, not an error. */
		if (strstr(e, strerror(ENOENT)))
			return 0;
		return nft_error(e, err);
	}
	struct json_object *root = json_tokener_parse(nft_ctx_get_output_buffer(ctx));
	struct json_object *arr;
	if (!root || !json_object_object_get_ex(root, "nftables", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		json_object_put(root);
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "nftables: unexpected json listing");
	}
	*out = json_object_get(arr);
	json_object_put(root);
	return 0;
}

FILE *isola_nft_text(char **buf, size_t *len, struct isola_error *err)
{
	*buf = NULL;
	FILE *f = open_memstream(buf, len);
	if (!f)
		isola_err_sys(err, "nftables: ruleset buffer");
	return f;
}

int isola_nft_text_end(FILE *f, struct isola_error *err)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "nftables: ruleset buffer");
	return 0;
}

/* Bridge names go into the ruleset text between double quotes: refuse what
 * could end the string or is no interface name at all. */
static int check_bridge(const char *b, struct isola_error *err)
{
	size_t n = b ? strlen(b) : 0;
	if (n == 0 || n >= 16)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "bridge \"%s\": bad interface name",
				 b ? b : "");
	for (const char *p = b; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == '/' || *p == 0x7f)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "bridge \"%s\": bad interface name", b);
	return 0;
}

static const char *pfx_str(const struct isola_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(p->addr.family, p->addr.bytes, a, sizeof(a));
	snprintf(buf, len, "%s/%d", a, p->len);
	return buf;
}

static int check_prefix(const struct isola_prefix *p, int family, const char *b,
			struct isola_error *err)
{
	int max = family == AF_INET ? 32 : 128;
	if (p->addr.family == 0)
		return 0;
	if (p->addr.family != family || p->len < 1 || p->len > max)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "bridge \"%s\": bad %s subnet", b,
				 family == AF_INET ? "ipv4" : "ipv6");
	return 0;
}

/* The rules of one network (see the top comment). */
static void network_rules(FILE *f, const struct isola_nft_net *n)
{
	const char *b = n->bridge;
	char s[INET6_ADDRSTRLEN + 8];
	if (n->v4.addr.family == AF_INET) {
		pfx_str(&n->v4, s, sizeof(s));
		if (!n->internal)
			fprintf(f, "add rule inet isola postrouting ip saddr %s oifname != \"%s\""
				   " masquerade comment \"%s\"\n", s, b, b);
		fprintf(f, "add rule inet isola postrouting ct status dnat oifname \"%s\""
			   " ip saddr { %s, 127.0.0.0/8 } masquerade comment \"%s\"\n", b, s, b);
	}
	if (n->v6.addr.family == AF_INET6) {
		pfx_str(&n->v6, s, sizeof(s));
		if (!n->internal)
			fprintf(f, "add rule inet isola postrouting ip6 saddr %s oifname != \"%s\""
				   " masquerade comment \"%s\"\n", s, b, b);
		fprintf(f, "add rule inet isola postrouting ct status dnat oifname \"%s\""
			   " ip6 saddr %s masquerade comment \"%s\"\n", b, s, b);
	}
	if (n->internal) {
		fprintf(f, "add rule inet isola forward iifname \"%s\" oifname != \"%s\" drop"
			   " comment \"%s\"\n", b, b, b);
		fprintf(f, "add rule inet isola forward oifname \"%s\" iifname != \"%s\" drop"
			   " comment \"%s\"\n", b, b, b);
	}
}

/* Write "delete rule" for each rule of bridge b in the listing; count the
 * rules of other networks into *others. */
static void delete_rules(FILE *f, struct json_object *list, const char *b, size_t *others)
{
	size_t n = list ? json_object_array_length(list) : 0;
	*others = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *rule, *comment, *chain, *handle;
		if (!json_object_object_get_ex(json_object_array_get_idx(list, i), "rule", &rule) ||
		    !json_object_object_get_ex(rule, "comment", &comment))
			continue;
		if (strcmp(json_object_get_string(comment), b) != 0) {
			(*others)++;
			continue;
		}
		if (f && json_object_object_get_ex(rule, "chain", &chain) &&
		    json_object_object_get_ex(rule, "handle", &handle))
			fprintf(f, "delete rule inet isola %s handle %" PRId64 "\n",
				json_object_get_string(chain), json_object_get_int64(handle));
	}
}

/* Close the text (open_memstream sets *buf only then) and run it. */
static int run_text(struct nft_ctx *ctx, char **buf, FILE *f, struct isola_error *err)
{
	int rc = isola_nft_text_end(f, err);
	if (rc == 0)
		rc = isola_nft_run(ctx, *buf, err);
	free(*buf);
	return rc;
}

int isola_nft_network_add(const struct isola_nft_net *n, struct isola_error *err)
{
	if (check_bridge(n->bridge, err) < 0 || check_prefix(&n->v4, AF_INET, n->bridge, err) < 0 ||
	    check_prefix(&n->v6, AF_INET6, n->bridge, err) < 0)
		return -1;
	if (n->v4.addr.family == 0 && n->v6.addr.family == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "bridge \"%s\": no subnet", n->bridge);
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	struct json_object *list = NULL;
	char *buf;
	size_t len, others;
	int rc = -1;
	/* Listing and replacing are two steps: callers hold the network store's
	 * lock, so no other isola changes this network in between; handles stay
	 * valid whatever else is added meanwhile. */
	if (isola_nft_list(ctx, &list, err) < 0)
		goto out;
	FILE *f = isola_nft_text(&buf, &len, err);
	if (!f)
		goto out;
	fputs(isola_nft_preamble, f);
	delete_rules(f, list, n->bridge, &others);
	network_rules(f, n);
	rc = run_text(ctx, &buf, f, err);
out:
	json_object_put(list);
	nft_ctx_free(ctx);
	return rc < 0 ? isola_err_prefix(err, "network on bridge \"%s\"", n->bridge) : 0;
}

int isola_nft_network_del(const char *bridge, struct isola_error *err)
{
	if (check_bridge(bridge, err) < 0)
		return -1;
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	struct json_object *list = NULL;
	char *buf;
	size_t len, others;
	int rc = -1;
	if (isola_nft_list(ctx, &list, err) < 0)
		goto out;
	rc = 0;
	if (!list)
		goto out;
	delete_rules(NULL, list, bridge, &others);
	FILE *f = isola_nft_text(&buf, &len, err);
	if (!f) {
		rc = -1;
		goto out;
	}
	/* The last network gone: the whole table goes, ports and all (they
	 * can only have pointed into networks that no longer exist). */
	if (others == 0)
		fputs("delete table inet isola\n", f);
	else
		delete_rules(f, list, bridge, &others);
	rc = run_text(ctx, &buf, f, err);
out:
	json_object_put(list);
	nft_ctx_free(ctx);
	return rc < 0 ? isola_err_prefix(err, "network on bridge \"%s\"", bridge) : 0;
}

int isola_nft_flush(struct isola_error *err)
{
	struct nft_ctx *ctx = isola_nft_ctx(err);
	if (!ctx)
		return -1;
	/* "add" first makes the delete succeed when there is no table. */
	int rc = isola_nft_run(ctx, "add table inet isola\ndelete table inet isola\n", err);
	nft_ctx_free(ctx);
	return rc;
}
