/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_DIGEST_H
#define ISOLA_IMAGE_DIGEST_H

/* sha256 content digests in OCI form: "sha256:<64 lowercase hex>". */
#include <stdbool.h>
#include <stddef.h>

#include "isola/error.h"

#define ISOLA_DIGEST_MAX 72 /* "sha256:" + 64 hex + NUL */

struct isola_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

int isola_sha256_init(struct isola_sha256 *h, struct isola_error *err);
void isola_sha256_update(struct isola_sha256 *h, const void *buf, size_t len);
/* Writes "sha256:<hex>" to out and releases the context. */
void isola_sha256_final(struct isola_sha256 *h, char out[ISOLA_DIGEST_MAX]);
void isola_sha256_free(struct isola_sha256 *h);

int isola_digest_buf(const void *buf, size_t len, char out[ISOLA_DIGEST_MAX],
		     struct isola_error *err);
/* True for "sha256:" followed by exactly 64 lowercase hex digits. */
bool isola_digest_valid(const char *digest);
/* The hex part of a valid digest. */
const char *isola_digest_hex(const char *digest);

#endif
