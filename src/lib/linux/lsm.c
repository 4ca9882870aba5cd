/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY STUB: replaced by the real implementation. */
#include "linux/lsm.h"

int isola_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
			     struct isola_error *err)
{
	return 0;
}

bool isola_lsm_apparmor_enabled(void)
{
	return false;
}

bool isola_lsm_selinux_enabled(void)
{
	return false;
}
