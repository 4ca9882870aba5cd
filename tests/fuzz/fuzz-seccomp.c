/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for linux.seccomp translation: JSON text -> json-c ->
 * isola_seccomp_parse -> isola_seccomp_compile (user-space BPF generation
 * only; nothing is ever loaded into the kernel).
 *
 * Built with -DISOLA_FUZZ_STANDALONE (any compiler), main() replays the
 * files named on the command line, so the corpus runs as a regression test.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "linux/seccomp.h"
#include "spec/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	struct isola_error err = {0};
	struct isola_seccomp *s;

	if (!tok)
		return 0;
	obj =
	    json_tokener_parse_ex(tok, (const char *)data, (int)(size > 1 << 20 ? 1 << 20 : size));
	json_tokener_free(tok);
	if (!obj)
		return 0;
	s = isola_seccomp_parse(obj, "linux.seccomp", &err);
	if (s) {
		/* Compiling is pure user space and exercises every parsed field. */
		isola_seccomp_compile(s, &err);
		(void)isola_seccomp_uses_notify(s);
	} else if (err.msg[0] == '\0') {
		abort(); /* a failure must always say why */
	}
	isola_seccomp_free(s);
	json_object_put(obj);
	return 0;
}

#include "standalone.h"
