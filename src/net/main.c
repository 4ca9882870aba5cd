/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* isola-net: the `isola network` verbs, and `up`/`down` for the monitor. */
#include <stdio.h>
#include <string.h>

#include "updown.h"

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "up") || !strcmp(argv[1], "down")))
		return net_updown_main(argc, argv);
	fprintf(stderr, "isola-net: not yet: %s\n", argc > 1 ? argv[1] : "");
	return 125;
}
