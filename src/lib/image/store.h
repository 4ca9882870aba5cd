/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_STORE_H
#define ISOLA_IMAGE_STORE_H

/*
 * The image store, by default /var/lib/isola:
 *
 *   lock                 flock: shared by every command, exclusive for prune
 *   index.lock           flock: held around each read-modify-write of images.json
 *   images.json          the image index (names, ids, layers)
 *   blobs/sha256/<hex>   content-addressed blobs, verified when written and read
 *   layers/<chain hex>/  one unpacked layer (diff/) per chain id, shared by images
 *   containers/<id>/     container root filesystems (storage/)
 *   tmp/                 partial downloads and unpacks; prune reclaims them
 *
 * Every file is written to tmp/ (or a temp name) and renamed into place, so a
 * kill -9 at any point leaves either nothing or the complete object. Since
 * prune holds the store lock exclusively, it never races a running pull.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image/digest.h"
#include "isola/error.h"

#define ISOLA_DEFAULT_ROOT "/var/lib/isola"

/*
 * Who else holds layers: the container roots of storage/, which sits above
 * the image store. Storage fills this in (isola_storage_attach); prune and
 * image removal ask it instead of reading storage's records themselves.
 */
struct isola_store;
typedef void (*isola_root_ref_fn)(const char *image, char *const *layers, size_t n, void *data);
struct isola_store_roots {
	/* fn for every container root: its image id and layer chain ids */
	void (*each)(struct isola_store *s, isola_root_ref_fn fn, void *data);
	/* Remove what dead creates left (a root without record); store held exclusive. */
	int (*sweep)(struct isola_store *s, size_t *count, int64_t *bytes, struct isola_error *err);
};

struct isola_store {
	char *root;
	int rootfd;
	int lockfd;
	const struct isola_store_roots *roots; /* NULL until storage attaches */
};

enum isola_store_mode {
	ISOLA_STORE_SHARED = 0,
	ISOLA_STORE_EXCLUSIVE = 1,
};

struct isola_store *isola_store_open(const char *root, int mode, struct isola_error *err);
void isola_store_close(struct isola_store *s);

/* ---- progress: the library never prints; CLIs render these ---- */
enum isola_progress_kind {
	ISOLA_PROGRESS_START = 1, /* a step begins: total bytes known or -1 */
	ISOLA_PROGRESS_BYTES,	  /* current bytes so far */
	ISOLA_PROGRESS_DONE,
	ISOLA_PROGRESS_SKIP, /* already there */
	ISOLA_PROGRESS_INFO, /* a message in what, no id */
};

struct isola_progress {
	int kind;
	const char *id;	  /* short digest of the blob or layer, or NULL */
	const char *what; /* "downloading", "extracting", "uploading", ... */
	int64_t current, total;
};

typedef void (*isola_progress_fn)(const struct isola_progress *p, void *data);

struct isola_progress_sink {
	isola_progress_fn fn;
	void *data;
};

void isola_progress_emit(const struct isola_progress_sink *sink, int kind, const char *id,
			 const char *what, int64_t current, int64_t total);

/* ---- blobs ---- */
struct isola_blob_writer {
	struct isola_store *store;
	int fd;
	char tmpname[64];
	struct isola_sha256 hash;
	int64_t size;
};

int isola_blob_writer_open(struct isola_store *s, struct isola_blob_writer *w,
			   struct isola_error *err);
int isola_blob_writer_write(struct isola_blob_writer *w, const void *buf, size_t len,
			    struct isola_error *err);
/* fsync, check against expected (when not NULL), rename into blobs/; out may be NULL. */
int isola_blob_writer_commit(struct isola_blob_writer *w, const char *expected,
			     char out[ISOLA_DIGEST_MAX], struct isola_error *err);
void isola_blob_writer_abort(struct isola_blob_writer *w);

int isola_blob_put(struct isola_store *s, const void *buf, size_t len, const char *expected,
		   char out[ISOLA_DIGEST_MAX], struct isola_error *err);
/* Read a whole blob (at most max bytes) and verify its digest. */
char *isola_blob_get(struct isola_store *s, const char *digest, size_t max, size_t *len,
		     struct isola_error *err);
/* An fd to stream a blob; the reader verifies the digest as it goes. */
int isola_blob_open(struct isola_store *s, const char *digest, struct isola_error *err);
bool isola_blob_exists(struct isola_store *s, const char *digest);
int64_t isola_blob_size(struct isola_store *s, const char *digest);

/* ---- the image index ---- */
struct isola_image {
	char id[ISOLA_DIGEST_MAX];	 /* config digest */
	char manifest[ISOLA_DIGEST_MAX]; /* manifest digest */
	char **names;			 /* NULL-terminated "domain/path:tag" */
	size_t n_names;
	char *created;
	int64_t size;			  /* unpacked bytes */
	char (*layers)[ISOLA_DIGEST_MAX]; /* chain ids, base first */
	size_t n_layers;
};

struct isola_image_index {
	struct isola_image *v;
	size_t n;
};

/* Lock the index for a read-modify-write; returns an fd to close to unlock. */
int isola_index_lock(struct isola_store *s, struct isola_error *err);
int isola_index_load(struct isola_store *s, struct isola_image_index *idx, struct isola_error *err);
int isola_index_save(struct isola_store *s, const struct isola_image_index *idx,
		     struct isola_error *err);
void isola_index_release(struct isola_image_index *idx);
/* Find by name (normalised), full id, or a unique id prefix (>= 3 hex digits). */
ssize_t isola_index_find(const struct isola_image_index *idx, const char *ref,
			 struct isola_error *err);
void isola_image_release(struct isola_image *img);

/* ---- layers ---- */
bool isola_layer_exists(struct isola_store *s, const char *chain_id);
/* "layers/<hex>", relative to the store's root. */
void isola_layer_name(const char *chain_id, char *buf, size_t size);
/* "<root>/layers/<hex>/diff" */
char *isola_layer_diff_path(struct isola_store *s, const char *chain_id);
int64_t isola_layer_size(struct isola_store *s, const char *chain_id);
/*
 * Unpack the layer blob blob_digest on top of parent_chain (NULL for a base
 * layer). The blob's digest and, when expected_diff is set, the uncompressed
 * digest are verified while unpacking. diff_out/chain_out may be NULL.
 */
int isola_layer_unpack(struct isola_store *s, const char *blob_digest, const char *expected_diff,
		       const char *parent_chain, char diff_out[ISOLA_DIGEST_MAX],
		       char chain_out[ISOLA_DIGEST_MAX], const struct isola_progress_sink *progress,
		       struct isola_error *err);

/* ---- images ---- */
/*
 * Register an image whose manifest, config and layer blobs are in the store:
 * unpack missing layers, then add it to the index under name (may be NULL).
 * name moves from any other image to this one.
 */
int isola_image_commit(struct isola_store *s, const char *manifest_digest, const char *name,
		       const struct isola_progress_sink *progress, struct isola_error *err);
int isola_image_tag(struct isola_store *s, const char *ref, const char *name,
		    struct isola_error *err);
/* Remove a name, or the image when ref is its id or its last name (force: even if named). */
int isola_image_remove(struct isola_store *s, const char *ref, bool force, char ***removed,
		       struct isola_error *err);

/* True when a container root was made from the image (or no storage is attached to tell). */
bool isola_image_in_use(struct isola_store *s, const char *image_id);

struct isola_prune_result {
	int64_t bytes;
	size_t images, layers, blobs, tmp;
};
/*
 * Needs the store opened exclusive, and storage attached (the container
 * roots keep their layers). all: also named images no container uses.
 */
int isola_store_prune(struct isola_store *s, bool all, struct isola_prune_result *res,
		      struct isola_error *err);
/*
 * Reclaim unreferenced blobs, layers and temp files if no other isola process
 * has the store open (the shared lock is given up either way). Returns 1 when
 * busy, 0 when done.
 */
int isola_store_try_gc(struct isola_store *s, struct isola_prune_result *res,
		       struct isola_error *err);

#endif
