/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_FUZZ_STANDALONE_H
#define ISOLA_FUZZ_STANDALONE_H

/*
 * Included last by every fuzz-*.c harness. Built with -DISOLA_FUZZ_STANDALONE
 * (any compiler, no libFuzzer), main() replays the files named on the command
 * line through LLVMFuzzerTestOneInput, so a corpus or a crash file runs as a
 * plain regression test.
 */
#ifdef ISOLA_FUZZ_STANDALONE
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 22];
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rbe");
		if (!f) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		size_t n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	return rc;
}
#endif

#endif
