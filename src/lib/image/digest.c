/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include <openssl/evp.h>

#include "image/digest.h"

int isola_sha256_init(struct isola_sha256 *h, struct isola_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		h->ctx = NULL;
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "sha256: cannot initialise digest");
	}
	h->ctx = ctx;
	return 0;
}

void isola_sha256_update(struct isola_sha256 *h, const void *buf, size_t len)
{
	if (h->ctx && len > 0)
		EVP_DigestUpdate(h->ctx, buf, len);
}

void isola_sha256_final(struct isola_sha256 *h, char out[ISOLA_DIGEST_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (!h->ctx)
		return;
	EVP_DigestFinal_ex(h->ctx, md, &n);
	memcpy(out, "sha256:", 7);
	for (unsigned int i = 0; i < n && i < 32; i++) {
		out[7 + 2 * i] = hex[md[i] >> 4];
		out[8 + 2 * i] = hex[md[i] & 15];
	}
	out[7 + 64] = '\0';
	isola_sha256_free(h);
}

void isola_sha256_free(struct isola_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

int isola_digest_buf(const void *buf, size_t len, char out[ISOLA_DIGEST_MAX],
		     struct isola_error *err)
{
	struct isola_sha256 h;
	if (isola_sha256_init(&h, err) < 0)
		return -1;
	isola_sha256_update(&h, buf, len);
	isola_sha256_final(&h, out);
	return 0;
}
