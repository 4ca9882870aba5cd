/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for config.json: text -> isola_config_parse (json-c,
 * every field, the mount option table, cross-field checks) -> free. Also
 * feeds the same bytes to the signal-name parser, the other string table
 * that takes untrusted input (`kill SIGNAL`).
 *
 * Built with -DISOLA_FUZZ_STANDALONE (any compiler), main() replays the
 * files named on the command line, so the corpus runs as a regression test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isola_error err = {0};
	struct isola_config *c;
	char *text;

	if (size > 1 << 20)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	c = isola_config_parse(text, "/bundle", &err);
	if (!c && err.msg[0] == '\0')
		abort(); /* a failure must always say why */
	if (c && (!c->root_path || c->root_path[0] != '/'))
		abort(); /* root.path is always made absolute */
	isola_config_free(c);
	if (size < 64)
		(void)isola_signal_from_name(text);
	free(text);
	return 0;
}

#include "standalone.h"
