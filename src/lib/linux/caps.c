/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY STUB: replaced by the real implementation. */
#include "linux/caps.h"

int isola_caps_prepare(const struct isola_caps *caps, struct isola_error *err)
{
	return 0;
}

int isola_caps_apply(const struct isola_caps *caps, struct isola_error *err)
{
	return 0;
}
