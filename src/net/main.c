/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* isola-net: the `isola network` verbs, and `up`/`down` for the monitor. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "isola-net: not yet: %s\n", argv[0]);
	return 125;
}
