/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/store.h"

static const char *const store_dirs[] = {"blobs/sha256", "layers", "containers", "tmp"};

static int store_init(struct isola_store *s, const char *root, int mode, struct isola_error *err)
{
	s->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->rootfd < 0)
		return isola_err_sys(err, "open");
	for (size_t i = 0; i < sizeof(store_dirs) / sizeof(store_dirs[0]); i++) {
		if (isola_mkdirs_at(s->rootfd, store_dirs[i], 0700, err) < 0)
			return -1;
	}
	s->lockfd = openat(s->rootfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lockfd < 0)
		return isola_err_sys(err, "open lock");
	while (flock(s->lockfd, mode == ISOLA_STORE_EXCLUSIVE ? LOCK_EX : LOCK_SH) < 0) {
		if (errno != EINTR)
			return isola_err_sys(err, "lock");
	}
	return 0;
}

struct isola_store *isola_store_open(const char *root, int mode, struct isola_error *err)
{
	if (!root || root[0] != '/') {
		isola_err(err, ISOLA_ERR_INVALID, 0, "store root must be an absolute path");
		return NULL;
	}
	struct isola_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->root = strdup(root))) {
		free(s);
		isola_err_sys(err, "open store");
		return NULL;
	}
	s->rootfd = s->lockfd = -1;
	if (isola_mkdirs_at(AT_FDCWD, root, 0700, err) < 0 || store_init(s, root, mode, err) < 0) {
		isola_err_prefix(err, "store \"%s\"", root);
		isola_store_close(s);
		return NULL;
	}
	return s;
}

void isola_store_close(struct isola_store *s)
{
	if (!s)
		return;
	if (s->lockfd >= 0)
		close(s->lockfd);
	if (s->rootfd >= 0)
		close(s->rootfd);
	free(s->root);
	free(s);
}

void isola_progress_emit(const struct isola_progress_sink *sink, int kind, const char *id,
			 const char *what, int64_t current, int64_t total)
{
	if (!sink || !sink->fn)
		return;
	struct isola_progress p = {kind, id, what, current, total};
	sink->fn(&p, sink->data);
}
