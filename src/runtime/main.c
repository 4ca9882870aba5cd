/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "isola-version.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("isola-runtime version %s\ncommit: %s\nspec: %s\n", ISOLA_VERSION,
		       ISOLA_COMMIT, ISOLA_OCI_VERSION);
		return 0;
	}
	fprintf(stderr, "isola-runtime: not implemented yet\n");
	return 1;
}
