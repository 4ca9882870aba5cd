/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unpacking a layer blob into layers/<chain>/diff, verified on the way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/store.h"
#include "image/unpack.h"

static int write_info(int dirfd, const char *diff_id, const char *blob, int64_t size,
		      struct isola_error *err)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "{\"diff_id\":\"%s\",\"blob\":\"%s\",\"size\":%lld}\n",
			 diff_id, blob, (long long)size);
	return isola_write_file_atomic(dirfd, "info.json", buf, (size_t)n, 0644, true, err);
}

static int verify(const struct isola_unpack_result *res, const char *blob, const char *expected,
		  struct isola_error *err)
{
	if (strcmp(res->compressed, blob) != 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "blob %s is corrupt: digest %s", blob,
				 res->compressed);
	if (expected && strcmp(res->diff_id, expected) != 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "layer %s: diff id mismatch: expected %s, got %s", blob, expected,
				 res->diff_id);
	return 0;
}

static int chain_of(const char *parent, const char *diff, char out[ISOLA_DIGEST_MAX],
		    struct isola_error *err)
{
	if (!parent) {
		snprintf(out, ISOLA_DIGEST_MAX, "%s", diff);
		return 0;
	}
	char buf[2 * ISOLA_DIGEST_MAX + 2];
	int n = snprintf(buf, sizeof(buf), "%s %s", parent, diff);
	return isola_digest_buf(buf, (size_t)n, out, err);
}

/* Unpack into tmpdir/diff; on success res holds the digests. */
static int unpack_to(struct isola_store *s, int tmpfd, const char *blob,
		     const struct isola_progress_sink *progress, struct isola_unpack_result *res,
		     struct isola_error *err)
{
	cleanup_close int blobfd = isola_blob_open(s, blob, err);
	if (blobfd < 0)
		return -1;
	if (mkdirat(tmpfd, "diff", 0755) < 0)
		return isola_err_sys(err, "mkdir layer dir");
	cleanup_close int dfd = openat(tmpfd, "diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return isola_err_sys(err, "open layer dir");
	char id[20];
	snprintf(id, sizeof(id), "%.12s", isola_digest_hex(blob));
	isola_progress_emit(progress, ISOLA_PROGRESS_START, id, "extracting", 0,
			    isola_blob_size(s, blob));
	if (isola_unpack(blobfd, dfd, id, progress, res, err) < 0)
		return -1;
	if (syncfs(dfd) < 0)
		return isola_err_sys(err, "sync layer");
	isola_progress_emit(progress, ISOLA_PROGRESS_DONE, id, "extracting", res->size, res->size);
	return 0;
}

static int install(struct isola_store *s, const char *tmpname, const char *chain,
		   struct isola_error *err)
{
	char final[128];
	isola_layer_name(chain, final, sizeof(final));
	if (renameat(s->rootfd, tmpname, s->rootfd, final) == 0) {
		isola_fsync_dir_at(s->rootfd, "layers");
		return 0;
	}
	if (errno != EEXIST && errno != ENOTEMPTY)
		return isola_err_sys(err, "install layer %s", chain);
	/* another isola process unpacked the same chain first: keep theirs */
	return isola_rmtree_at(s->rootfd, tmpname, err);
}

int isola_layer_unpack(struct isola_store *s, const char *blob_digest, const char *expected_diff,
		       const char *parent_chain, char diff_out[ISOLA_DIGEST_MAX],
		       char chain_out[ISOLA_DIGEST_MAX], const struct isola_progress_sink *progress,
		       struct isola_error *err)
{
	char path[4096], chain[ISOLA_DIGEST_MAX];
	struct isola_unpack_result res;
	snprintf(path, sizeof(path), "%s/tmp/layer-XXXXXX", s->root);
	if (!mkdtemp(path))
		return isola_err_sys(err, "create temp layer dir");
	const char *tmpname = strstr(path + strlen(s->root), "tmp/");
	cleanup_close int tmpfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = tmpfd < 0 ? isola_err_sys(err, "open \"%s\"", path) : 0;
	if (r == 0)
		r = unpack_to(s, tmpfd, blob_digest, progress, &res, err);
	if (r == 0)
		r = verify(&res, blob_digest, expected_diff, err);
	if (r == 0)
		r = chain_of(parent_chain, res.diff_id, chain, err);
	if (r == 0)
		r = write_info(tmpfd, res.diff_id, blob_digest, res.size, err);
	if (r == 0)
		r = install(s, tmpname, chain, err);
	if (r < 0) {
		struct isola_error ignored;
		isola_rmtree_at(s->rootfd, tmpname, &ignored);
		return isola_err_prefix(err, "unpack layer %.19s", blob_digest);
	}
	if (diff_out)
		memcpy(diff_out, res.diff_id, ISOLA_DIGEST_MAX);
	if (chain_out)
		memcpy(chain_out, chain, ISOLA_DIGEST_MAX);
	return 0;
}
