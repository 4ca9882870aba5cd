/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_LSM_H
#define ISOLA_LSM_H

#include <stdbool.h>

#include "isola/error.h"

/*
 * AppArmor profile / SELinux label for the next execve of this process,
 * written through a procfs that was verified to be a real procfs
 * (CVE-2019-16884 class). An empty/NULL label is a no-op. When the LSM is
 * not enabled on the host, a label is an error for SELinux and ignored
 * with a warning for AppArmor (as runc does).
 */
int isola_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
			     struct isola_error *err);
bool isola_lsm_apparmor_enabled(void);
bool isola_lsm_selinux_enabled(void);

#endif
