/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Digest strings without hashing (no libcrypto): what the store's readers need. */
#include <string.h>

#include "image/digest.h"

bool isola_digest_valid(const char *digest)
{
	if (!digest || strncmp(digest, "sha256:", 7) != 0)
		return false;
	const char *p = digest + 7;
	for (int i = 0; i < 64; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	}
	return p[64] == '\0';
}

const char *isola_digest_hex(const char *digest)
{
	const char *c = strchr(digest, ':');
	return c ? c + 1 : digest;
}
