/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for what registries and archives send us: the bytes go
 * to the manifest/index parser (and platform selection), the image config
 * parser, and, when short, the image reference parser.
 *
 * Built with -DISOLA_FUZZ_STANDALONE, main() replays the files it is given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"
#include "image/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_manifest(const char *text, size_t size)
{
	struct isola_manifest m;
	struct isola_error err = {0};
	if (isola_manifest_parse(text, size, "application/json", &m, &err) < 0) {
		if (err.msg[0] == '\0')
			abort(); /* a failure must always say why */
		return;
	}
	if (m.kind == ISOLA_MANIFEST_IMAGE && !isola_digest_valid(m.config.digest))
		abort();
	for (size_t i = 0; i < m.n_layers; i++) {
		if (!isola_digest_valid(m.layers[i].digest))
			abort();
	}
	if (m.kind == ISOLA_MANIFEST_INDEX)
		(void)isola_manifest_select(&m, "linux", "amd64", NULL, &err);
	isola_manifest_release(&m);
}

static void check_config(const char *text, size_t size)
{
	struct isola_image_config c;
	struct isola_error err = {0};
	if (isola_image_config_parse(text, size, &c, &err) < 0) {
		if (err.msg[0] == '\0')
			abort();
		return;
	}
	char(*chains)[ISOLA_DIGEST_MAX] = calloc(c.n_diff_ids + 1, ISOLA_DIGEST_MAX);
	if (chains && isola_chain_ids(c.diff_ids, c.n_diff_ids, chains, &err) < 0)
		abort();
	free(chains);
	isola_image_config_release(&c);
}

static void check_ref(const char *text)
{
	struct isola_ref ref;
	struct isola_error err = {0};
	if (isola_ref_parse(text, &ref, &err) < 0)
		return;
	char *s = isola_ref_string(&ref);
	struct isola_ref again;
	/* a normalised reference parses to itself */
	if (!s || isola_ref_parse(s, &again, &err) < 0)
		abort();
	char *s2 = isola_ref_string(&again);
	if (!s2 || strcmp(s, s2) != 0)
		abort();
	free(s);
	free(s2);
	isola_ref_release(&again);
	isola_ref_release(&ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_manifest(text, size);
	check_config(text, size);
	if (size < 600)
		check_ref(text);
	free(text);
	return 0;
}

#include "standalone.h"
