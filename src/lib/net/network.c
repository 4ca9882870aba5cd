/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "net/internal.h"

/*
 * The network store: ROOT/networks/<name>.json, one per network, written
 * atomically (tmp + rename) under the store lock, so a reader sees the old
 * or the new file and two creates never both pass the overlap check.
 */

struct isola_netstore *isola_netstore_open(const char *root, struct isola_error *err)
{
	struct isola_netstore *s = calloc(1, sizeof(*s));
	if (!s || asprintf(&s->path, "%s/networks", root) < 0) {
		free(s);
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "open network store");
		return NULL;
	}
	s->dirfd = -1;
	if (isola_mkdirs_at(AT_FDCWD, s->path, 0700, err) < 0) {
		isola_netstore_close(s);
		return NULL;
	}
	s->dirfd = open(s->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0) {
		isola_err_sys(err, "open \"%s\"", s->path);
		isola_netstore_close(s);
		return NULL;
	}
	return s;
}

void isola_netstore_close(struct isola_netstore *s)
{
	if (!s)
		return;
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->path);
	free(s);
}

int net_lock(struct isola_netstore *s, struct isola_error *err)
{
	int fd = openat(s->dirfd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s/.lock\"", s->path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			isola_err_sys(err, "lock \"%s/.lock\"", s->path);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* docker's rule for names; 63 characters to fit the struct (and a file name). */
int net_name_check(const char *name, struct isola_error *err)
{
	size_t n = strlen(name);
	bool ok = n >= 1 && n < sizeof(((struct isola_network *)0)->name) &&
		  isalnum((unsigned char)name[0]);
	for (size_t i = 1; ok && i < n; i++)
		ok = isalnum((unsigned char)name[i]) || strchr("_.-", name[i]);
	if (ok)
		return 0;
	return isola_err(err, ISOLA_ERR_INVALID, 0,
			 "invalid network name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
			 name);
}

int net_load_name(struct isola_netstore *s, const char *name, struct isola_network *n,
		  struct isola_error *err)
{
	char path[128];
	cleanup_free char *text = NULL;
	if (net_name_check(name, NULL) < 0)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "network %s not found", name);
	snprintf(path, sizeof(path), "%s.json", name);
	if (isola_read_file_at(s->dirfd, path, &text, NULL, NULL) < 0) {
		if (errno == ENOENT)
			return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "network %s not found", name);
		return isola_err_sys(err, "read \"%s/%s\"", s->path, path);
	}
	struct json_object *o = json_tokener_parse(text);
	int r = o ? net_from_json(o, n) : -1;
	json_object_put(o);
	if (r < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "network \"%s\": corrupt \"%s/%s\"",
				 name, s->path, path);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct isola_network *)a)->name,
		      ((const struct isola_network *)b)->name);
}

int isola_network_list(struct isola_netstore *s, struct isola_network **out, size_t *n,
		       struct isola_error *err)
{
	int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_closedir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct isola_network *v = NULL;
	size_t cnt = 0;
	struct dirent *e;
	*out = NULL;
	*n = 0;
	if (!d)
		return isola_err_sys(err, "open \"%s\"", s->path);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char name[128];
		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
		struct isola_network *nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "list networks");
		}
		v = nv;
		/* A network removed while we read is simply not listed. */
		if (net_load_name(s, name, &v[cnt], NULL) == 0)
			cnt++;
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), by_name);
	*out = v;
	*n = cnt;
	return 0;
}

int isola_network_load(struct isola_netstore *s, const char *ref, struct isola_network *n,
		       struct isola_error *err)
{
	struct isola_error lerr = {0};
	if (net_load_name(s, ref, n, &lerr) == 0 || lerr.kind != ISOLA_ERR_NOT_FOUND)
		return lerr.kind ? isola_err(err, lerr.kind, lerr.errnum, "%s", lerr.msg) : 0;
	size_t len = strlen(ref), cnt = 0, found = 0;
	cleanup_free struct isola_network *all = NULL;
	if (len == 0 || len > 64 || strspn(ref, "0123456789abcdef") != len)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "network %s not found", ref);
	if (isola_network_list(s, &all, &cnt, err) < 0)
		return -1;
	for (size_t i = 0; i < cnt; i++) {
		if (strncmp(all[i].id, ref, len))
			continue;
		if (found++)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "network %s is ambiguous (%s and %s match)", ref, n->name,
					 all[i].name);
		*n = all[i];
	}
	if (!found)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "network %s not found", ref);
	return 0;
}
