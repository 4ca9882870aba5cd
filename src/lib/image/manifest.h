/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_MANIFEST_H
#define ISOLA_IMAGE_MANIFEST_H

/*
 * OCI image manifests and indexes, Docker schema 2 manifests and manifest
 * lists, and image configs. Input is untrusted (registries, archives): every
 * field is checked, and fuzzed by tests/fuzz/fuzz-manifest.c.
 */
#include <stddef.h>
#include <stdint.h>

#include "image/digest.h"
#include "isola/error.h"

#define ISOLA_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define ISOLA_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define ISOLA_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define ISOLA_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define ISOLA_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define ISOLA_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define ISOLA_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ISOLA_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define ISOLA_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define ISOLA_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"

#define ISOLA_MANIFEST_MAX (4 << 20)
#define ISOLA_MANIFEST_MAX_LAYERS 1000

enum isola_manifest_kind {
	ISOLA_MANIFEST_IMAGE = 1,
	ISOLA_MANIFEST_INDEX,
};

struct isola_descriptor {
	char *media_type;
	char digest[ISOLA_DIGEST_MAX];
	int64_t size;
	char *os, *arch, *variant; /* platform, index entries only */
};

struct isola_manifest {
	int kind;
	char *media_type;
	struct isola_descriptor config;	 /* image manifests */
	struct isola_descriptor *layers; /* image manifests, base first */
	size_t n_layers;
	struct isola_descriptor *manifests; /* indexes */
	size_t n_manifests;
};

struct isola_image_config {
	char *created; /* RFC 3339 or NULL */
	char *os, *arch;
	char **diff_ids; /* NULL-terminated, base first */
	size_t n_diff_ids;
};

/* content_type (an HTTP Content-Type) may be NULL; the body's mediaType wins. */
int isola_manifest_parse(const char *buf, size_t len, const char *content_type,
			 struct isola_manifest *m, struct isola_error *err);
void isola_manifest_release(struct isola_manifest *m);
/* The index entry for os/arch[/variant]; NULL (and err) when none matches. */
const struct isola_descriptor *isola_manifest_select(const struct isola_manifest *index,
						     const char *os, const char *arch,
						     const char *variant, struct isola_error *err);
int isola_image_config_parse(const char *buf, size_t len, struct isola_image_config *c,
			     struct isola_error *err);
void isola_image_config_release(struct isola_image_config *c);

/* chain_id(n) = sha256(chain_id(n-1) + " " + diff_id(n)); chain_id(0) = diff_id(0). */
int isola_chain_ids(char *const *diff_ids, size_t n, char (*out)[ISOLA_DIGEST_MAX],
		    struct isola_error *err);

struct json_object;
struct json_object *isola_descriptor_json(const char *media_type, const char *digest, int64_t size);

/* Host platform in OCI terms ("amd64", "arm64", ...). */
const char *isola_host_arch(void);

#endif
