/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "net/internal.h"

/* Addresses and prefixes: parse, print, compare (v4 and v6). */

int net_addr_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int isola_addr_parse(const char *s, struct isola_addr *a, struct isola_error *err)
{
	*a = (struct isola_addr){0};
	/* inet_pton refuses the legacy forms inet_aton takes ("10.1", "0x0a.0.0.1",
	 * octal "010.0.0.1"): docker refuses them too. */
	if (s && strchr(s, ':') && inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	if (s && !strchr(s, ':') && inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	*a = (struct isola_addr){0};
	return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid IP address \"%s\"", s ? s : "");
}

/* Zero the bits past len; true if any was set. */
static bool clear_host_bits(struct isola_addr *a, int len)
{
	bool set = false;
	size_t n = addr_len(a->family);
	for (size_t i = 0; i < n; i++) {
		int keep = len - (int)i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		if (a->bytes[i] & (uint8_t)~mask)
			set = true;
		a->bytes[i] &= mask;
	}
	return set;
}

int isola_prefix_parse(const char *s, struct isola_prefix *p, struct isola_error *err)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long long len;
	*p = (struct isola_prefix){0};
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid subnet \"%s\": expected ADDRESS/LENGTH", s ? s : "");
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash - s), s);
	if (isola_addr_parse(buf, &p->addr, NULL) < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid subnet \"%s\": bad address",
				 s);
	/* strtoull would skip blanks: digits only, and no "024". */
	if (!isdigit((unsigned char)slash[1]) || (slash[1] == '0' && slash[2]) ||
	    isola_parse_u64(slash + 1, &len) < 0 ||
	    len > (unsigned long long)net_addr_bits(p->addr.family)) {
		*p = (struct isola_prefix){0};
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid subnet \"%s\": bad prefix length", s);
	}
	p->len = (int)len;
	if (clear_host_bits(&p->addr, p->len)) {
		char net[INET6_ADDRSTRLEN + 8];
		isola_prefix_str(p, net, sizeof(net));
		*p = (struct isola_prefix){0};
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "invalid subnet \"%s\": has host bits set (the network is %s)", s,
				 net);
	}
	return 0;
}

const char *isola_addr_str(const struct isola_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "%s", "");
	return buf;
}

const char *isola_prefix_str(const struct isola_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	if (!p->addr.family)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%s/%d", isola_addr_str(&p->addr, a, sizeof(a)), p->len);
	return buf;
}

/* The first len bits of a and b are equal. */
static bool same_bits(const struct isola_addr *a, const struct isola_addr *b, int len)
{
	struct isola_addr x = *a, y = *b;
	clear_host_bits(&x, len);
	clear_host_bits(&y, len);
	return memcmp(x.bytes, y.bytes, addr_len(a->family)) == 0;
}

bool isola_prefix_contains(const struct isola_prefix *p, const struct isola_addr *a)
{
	return p->addr.family && p->addr.family == a->family && same_bits(&p->addr, a, p->len);
}

bool isola_prefix_overlaps(const struct isola_prefix *a, const struct isola_prefix *b)
{
	if (!a->addr.family || a->addr.family != b->addr.family)
		return false;
	return same_bits(&a->addr, &b->addr, a->len < b->len ? a->len : b->len);
}

int net_addr_cmp(const struct isola_addr *a, const struct isola_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, addr_len(a->family));
}

void net_addr_add(struct isola_addr *a, uint64_t off)
{
	unsigned carry = 0;
	for (int i = (int)addr_len(a->family) - 1; i >= 0; i--) {
		unsigned sum = a->bytes[i] + (unsigned)(off & 0xff) + carry;
		a->bytes[i] = (uint8_t)sum;
		carry = sum >> 8;
		off >>= 8;
	}
}

void net_prefix_last(const struct isola_prefix *p, struct isola_addr *out)
{
	*out = p->addr;
	size_t n = addr_len(p->addr.family);
	for (size_t i = 0; i < n; i++) {
		int keep = p->len - (int)i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		out->bytes[i] |= (uint8_t)~mask;
	}
}

uint64_t net_prefix_size(const struct isola_prefix *p)
{
	int host = net_addr_bits(p->addr.family) - p->len;
	return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

void net_prefix_of(const struct isola_addr *a, int len, struct isola_prefix *out)
{
	out->addr = *a;
	out->len = len;
	clear_host_bits(&out->addr, len);
}
