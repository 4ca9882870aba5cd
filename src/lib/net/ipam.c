/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "net/internal.h"

/*
 * Leases: ROOT/networks/<name>.leases/<address>, content the owner's id,
 * made with O_EXCL under the store lock. They outlive crashes by design:
 * an address goes back to the pool only by isola_ipam_release. "last4" and
 * "last6" remember the last address given, so the next one starts after it
 * and a freed address is not handed to the next container at once (stale
 * ARP and conntrack entries would send it the old one's traffic).
 */

static void leases_dir(const struct isola_network *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s.leases", n->name);
}

static int open_leases(struct isola_netstore *s, const struct isola_network *n, bool make,
		       struct isola_error *err)
{
	char dir[128];
	leases_dir(n, dir, sizeof(dir));
	if (make && mkdirat(s->dirfd, dir, 0700) < 0 && errno != EEXIST)
		return isola_err_sys(err, "create \"%s/%s\"", s->path, dir);
	int fd = openat(s->dirfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && !make && errno == ENOENT)
		return -2; /* no leases yet */
	if (fd < 0)
		return isola_err_sys(err, "open \"%s/%s\"", s->path, dir);
	return fd;
}

static int by_addr(const void *a, const void *b)
{
	return net_addr_cmp(&((const struct isola_lease *)a)->addr,
			    &((const struct isola_lease *)b)->addr);
}

/* One lease file: its name is the address, its content the owner. */
static bool read_lease(int dirfd, const char *name, struct isola_lease *l)
{
	cleanup_close int fd = -1;
	if (isola_addr_parse(name, &l->addr, NULL) < 0)
		return false; /* "last4", temp files */
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? isola_read_all(fd, l->owner, sizeof(l->owner) - 1) : -1;
	if (n <= 0)
		return false;
	l->owner[n] = '\0';
	l->owner[strcspn(l->owner, "\n")] = '\0';
	return true;
}

int net_leases_read(struct isola_netstore *s, const struct isola_network *n,
		    struct isola_lease **out, size_t *cnt, struct isola_error *err)
{
	struct isola_lease *v = NULL;
	size_t k = 0;
	*out = NULL;
	*cnt = 0;
	int fd = open_leases(s, n, false, err);
	if (fd < 0)
		return fd == -2 ? 0 : -1;
	cleanup_closedir DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return isola_err_sys(err, "read leases of network \"%s\"", n->name);
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		struct isola_lease *nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "read leases");
		}
		v = nv;
		if (read_lease(dirfd(d), e->d_name, &v[k]))
			k++;
	}
	if (k)
		qsort(v, k, sizeof(*v), by_addr);
	*out = v;
	*cnt = k;
	return 0;
}

int isola_ipam_list(struct isola_netstore *s, const struct isola_network *net,
		    struct isola_lease **out, size_t *n, struct isola_error *err)
{
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0)
		return -1;
	return net_leases_read(s, net, out, n, err);
}

static const struct isola_lease *find_addr(const struct isola_lease *v, size_t n,
					   const struct isola_addr *a)
{
	struct isola_lease key = {.addr = *a};
	return n ? bsearch(&key, v, n, sizeof(*v), by_addr) : NULL;
}

/* The network address, the gateway and (IPv4) the broadcast address. */
static bool is_reserved(const struct isola_prefix *subnet, const struct isola_addr *gw,
			const struct isola_addr *a)
{
	struct isola_addr last;
	net_prefix_last(subnet, &last);
	return !net_addr_cmp(a, &subnet->addr) || (gw->family && !net_addr_cmp(a, gw)) ||
	       (a->family == AF_INET && !net_addr_cmp(a, &last));
}

struct lease_ctx {
	struct isola_netstore *s;
	const struct isola_network *net;
	const char *owner;
	const struct isola_prefix *subnet;
	const struct isola_addr *gw;
	int dirfd;
	struct isola_lease *v;
	size_t n;
};

static int take(struct lease_ctx *c, const struct isola_addr *a, struct isola_error *err)
{
	char name[INET6_ADDRSTRLEN];
	isola_addr_str(a, name, sizeof(name));
	cleanup_close int fd =
	    openat(c->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : isola_err_sys(err, "lease %s", name);
	if (isola_write_all(fd, c->owner, strlen(c->owner)) < 0) {
		isola_err_sys(err, "lease %s", name);
		unlinkat(c->dirfd, name, 0);
		return -1;
	}
	return 0;
}

static int lease_wanted(struct lease_ctx *c, const struct isola_addr *want, struct isola_error *err)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN + 8];
	isola_addr_str(want, a, sizeof(a));
	if (!isola_prefix_contains(c->subnet, want))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "address %s is not in subnet %s of network %s", a,
				 isola_prefix_str(c->subnet, p, sizeof(p)), c->net->name);
	if (is_reserved(c->subnet, c->gw, want))
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "address %s is reserved in network %s (network, gateway or "
				 "broadcast address)",
				 a, c->net->name);
	const struct isola_lease *l = find_addr(c->v, c->n, want);
	if (l && strcmp(l->owner, c->owner))
		return isola_err(err, ISOLA_ERR_EXISTS, 0,
				 "address %s is already in use by container %.12s", a, l->owner);
	if (l)
		return 0;
	int r = take(c, want, err);
	return r > 0 ? isola_err(err, ISOLA_ERR_EXISTS, 0, "address %s is already in use", a) : r;
}

static void last_name(int family, char buf[8])
{
	snprintf(buf, 8, "%s", family == AF_INET ? "last4" : "last6");
}

/* The address after a in range, wrapping around to its start. */
static void next_in(const struct isola_prefix *range, struct isola_addr *a)
{
	net_addr_add(a, 1);
	if (!isola_prefix_contains(range, a))
		*a = range->addr;
}

/* Where to start: after the last address given, when it is in the range. */
static void first_candidate(struct lease_ctx *c, const struct isola_prefix *range,
			    struct isola_addr *a)
{
	char name[8], text[INET6_ADDRSTRLEN + 2] = "";
	last_name(range->addr.family, name);
	cleanup_close int fd = openat(c->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? isola_read_all(fd, text, sizeof(text) - 1) : -1;
	if (n > 0) {
		text[n] = '\0';
		text[strcspn(text, "\n")] = '\0';
	}
	if (n > 0 && isola_addr_parse(text, a, NULL) == 0 && isola_prefix_contains(range, a))
		next_in(range, a);
	else
		*a = range->addr;
}

static int lease_next(struct lease_ctx *c, struct isola_addr *out, struct isola_error *err)
{
	const struct isola_prefix *range =
	    c->subnet == &c->net->subnet4 ? &c->net->range4 : &c->net->range6;
	if (!range->addr.family)
		range = c->subnet;
	/* At most n leases and 3 reserved addresses stand in the way: after
	 * n + 4 candidates one was free, or the whole range was seen. */
	uint64_t size = net_prefix_size(range), limit = c->n + 4 < size ? c->n + 4 : size;
	struct isola_addr a;
	first_candidate(c, range, &a);
	for (uint64_t i = 0; i < limit; i++, next_in(range, &a)) {
		if (is_reserved(c->subnet, c->gw, &a) || find_addr(c->v, c->n, &a))
			continue;
		int r = take(c, &a, err);
		if (r < 0)
			return -1;
		if (r > 0)
			continue; /* a lease file without an owner yet (a crash): skip it */
		char name[8], text[INET6_ADDRSTRLEN];
		last_name(a.family, name);
		isola_addr_str(&a, text, sizeof(text));
		isola_write_file_atomic(c->dirfd, name, text, strlen(text), 0600, false, NULL);
		*out = a;
		return 0;
	}
	char p[INET6_ADDRSTRLEN + 8];
	return isola_err(err, ISOLA_ERR_BUSY, 0, "no free address in %s of network %s",
			 isola_prefix_str(range, p, sizeof(p)), c->net->name);
}

static int lease_locked(struct lease_ctx *c, int family, const struct isola_addr *want,
			struct isola_addr *out, struct isola_error *err)
{
	if (net_leases_read(c->s, c->net, &c->v, &c->n, err) < 0)
		return -1;
	if (want && want->family) {
		if (lease_wanted(c, want, err) < 0)
			return -1;
		*out = *want;
		return 0;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].addr.family == family && !strcmp(c->v[i].owner, c->owner)) {
			*out = c->v[i].addr;
			return 0;
		}
	}
	return lease_next(c, out, err);
}

int isola_ipam_lease(struct isola_netstore *s, const struct isola_network *net, const char *owner,
		     int family, const struct isola_addr *want, struct isola_addr *out,
		     struct isola_error *err)
{
	struct lease_ctx c = {.s = s, .net = net, .owner = owner, .dirfd = -1};
	if (want && want->family)
		family = want->family;
	else if (family != AF_INET6)
		family = AF_INET;
	c.subnet = family == AF_INET6 ? &net->subnet6 : &net->subnet4;
	c.gw = family == AF_INET6 ? &net->gateway6 : &net->gateway4;
	if (!owner[0] || strlen(owner) > 64 || strchr(owner, '\n'))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid lease owner \"%s\"", owner);
	if (!c.subnet->addr.family)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "network %s has no %s subnet",
				 net->name, family == AF_INET6 ? "IPv6" : "IPv4");
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0)
		return -1;
	/* The network may be gone since the caller loaded it. */
	struct isola_network cur;
	if (net_load_name(s, net->name, &cur, err) < 0 || strcmp(cur.id, net->id))
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "network %s not found", net->name);
	c.dirfd = open_leases(s, net, true, err);
	if (c.dirfd < 0)
		return -1;
	int r = lease_locked(&c, family, want, out, err);
	free(c.v);
	close(c.dirfd);
	return r;
}

static int release_on(struct isola_netstore *s, const struct isola_network *net, const char *owner,
		      struct isola_error *err)
{
	cleanup_free struct isola_lease *v = NULL;
	size_t n = 0;
	char name[INET6_ADDRSTRLEN];
	if (net_leases_read(s, net, &v, &n, err) < 0)
		return -1;
	cleanup_close int fd = n ? open_leases(s, net, false, err) : -1;
	for (size_t i = 0; i < n && fd >= 0; i++) {
		if (strcmp(v[i].owner, owner))
			continue;
		isola_addr_str(&v[i].addr, name, sizeof(name));
		if (unlinkat(fd, name, 0) < 0 && errno != ENOENT)
			return isola_err_sys(err, "release %s on network %s", name, net->name);
	}
	return 0;
}

int isola_ipam_release(struct isola_netstore *s, const struct isola_network *net, const char *owner,
		       struct isola_error *err)
{
	cleanup_free struct isola_network *all = NULL;
	size_t n = 0;
	cleanup_close int lock = net_lock(s, err);
	if (lock < 0)
		return -1;
	if (net)
		return release_on(s, net, owner, err);
	if (isola_network_list(s, &all, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (release_on(s, &all[i], owner, err) < 0)
			return -1;
	}
	return 0;
}
