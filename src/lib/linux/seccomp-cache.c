/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A cache of compiled filters. libseccomp needs ~1 ms per architecture and
 * a few hundred rules (10 ms for an engine's default profile on x86_64 with
 * its three ABIs), paid at every container start; the same profile comes
 * back again and again. The key is the whole parsed filter plus the
 * libseccomp version and native arch, compared byte for byte on a hit, so a
 * hash collision can only cost a recompile, never load another filter. The
 * directory and files must belong to us and not be writable by others: a
 * planted file would be a seccomp bypass. Any doubt means compiling.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/filter.h>

#include "core/cleanup.h"
#include "linux/seccomp.h"
#include "spec/seccomp.h"

/* Bumped whenever the same key compiles to another program (2: the ENOSYS rules). */
#define CACHE_MAGIC "ISOLASC2"

struct buf {
	unsigned char *p;
	size_t len, cap;
	bool failed;
};

static void put(struct buf *b, const void *data, size_t len)
{
	/* An empty array may be NULL: memcpy from NULL is undefined even for 0 bytes. */
	if (b->failed || len == 0)
		return;
	if (b->len + len > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 4096) + len;
		unsigned char *p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

#define PUT(b, v)                                                                                  \
	do {                                                                                       \
		__typeof__(v) put_v_ = (v);                                                        \
		put((b), &put_v_, sizeof(put_v_));                                                 \
	} while (0)

/* Everything the BPF program depends on, field by field (no struct padding). */
static void build_key(const struct isola_seccomp *s, struct buf *b)
{
	const struct scmp_version *v = seccomp_version();

	put(b, CACHE_MAGIC, 8);
	PUT(b, v->major);
	PUT(b, v->minor);
	PUT(b, v->micro);
	PUT(b, seccomp_arch_native());
	PUT(b, s->default_action);
	PUT(b, s->n_archs);
	put(b, s->archs, s->n_archs * sizeof(*s->archs));
	PUT(b, s->n_rules);
	for (size_t i = 0; i < s->n_rules; i++) {
		const struct isola_seccomp_rule *r = &s->rules[i];
		PUT(b, r->action);
		PUT(b, r->n_syscalls);
		put(b, r->syscalls, r->n_syscalls * sizeof(*r->syscalls));
		PUT(b, r->n_args);
		for (size_t j = 0; j < r->n_args; j++) {
			PUT(b, r->args[j].index);
			PUT(b, (uint32_t)r->args[j].op);
			PUT(b, r->args[j].value);
			PUT(b, r->args[j].value_two);
		}
	}
}

static uint64_t fnv1a(const unsigned char *p, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static bool trusted(int fd, bool dir)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && !(st.st_mode & 022) &&
	       (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* The cached program for key, or NULL. */
static void *lookup(int dirfd, const char *name, const struct buf *key, size_t *bpf_len)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free unsigned char *data = NULL;
	uint32_t hdr[2];
	struct stat st;
	size_t len;

	if (fd < 0 || !trusted(fd, false) || fstat(fd, &st) < 0 || st.st_size > (1 << 20))
		return NULL;
	len = (size_t)st.st_size;
	data = malloc(len ? len : 1);
	if (!data || pread(fd, data, len, 0) != (ssize_t)len || len < sizeof(hdr))
		return NULL;
	memcpy(hdr, data, sizeof(hdr));
	if (hdr[0] != key->len || len != sizeof(hdr) + hdr[0] + hdr[1] || hdr[1] == 0 ||
	    hdr[1] % sizeof(struct sock_filter) != 0 ||
	    memcmp(data + sizeof(hdr), key->p, key->len) != 0)
		return NULL;
	memmove(data, data + sizeof(hdr) + key->len, hdr[1]);
	*bpf_len = hdr[1];
	return steal_ptr(data);
}

/*
 * Keep the cache bounded: engines create containers with many different
 * profiles over time. On a miss with CACHE_MAX entries already there, the
 * whole cache goes (a rebuild costs one compile per profile in use).
 */
#define CACHE_MAX 64

static void prune_if_full(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".bpf") != NULL && de->d_name[0] != '.';
	if (n >= CACHE_MAX) {
		rewinddir(d);
		while ((de = readdir(d)))
			if (strstr(de->d_name, ".bpf") && de->d_name[0] != '.')
				unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

/* Best effort: a failed store only means compiling next time too. */
static void store(int dirfd, const char *name, const struct buf *key, const void *bpf,
		  size_t bpf_len)
{
	uint32_t hdr[2] = {(uint32_t)key->len, (uint32_t)bpf_len};
	char tmp[96];
	int fd;
	bool ok;

	prune_if_full(dirfd);
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	ok = write(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
	     write(fd, key->p, key->len) == (ssize_t)key->len &&
	     write(fd, bpf, bpf_len) == (ssize_t)bpf_len;
	close(fd);
	if (!ok || renameat(dirfd, tmp, dirfd, name) < 0)
		unlinkat(dirfd, tmp, 0);
}

int isola_seccomp_compile_cached(struct isola_seccomp *s, int cache_dirfd, struct isola_error *err)
{
	struct buf key = {0};
	char name[32];

	if (s->bpf)
		return 0;
	if (cache_dirfd < 0 || !trusted(cache_dirfd, true))
		return isola_seccomp_compile(s, err);
	build_key(s, &key);
	if (key.failed) {
		free(key.p);
		return isola_seccomp_compile(s, err);
	}
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv1a(key.p, key.len));
	s->bpf = lookup(cache_dirfd, name, &key, &s->bpf_len);
	if (!s->bpf && isola_seccomp_compile(s, err) == 0)
		store(cache_dirfd, name, &key, s->bpf, s->bpf_len);
	free(key.p);
	return s->bpf ? 0 : -1;
}
