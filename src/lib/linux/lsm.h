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

/*
 * Open <proc_dir>/thread-self/attr/<name> for writing, only through a real
 * procfs: proc_dir must be the root of a procfs mount, the path is resolved
 * without symlinks and without crossing a mount (a file bind-mounted over an
 * attr file is refused, CVE-2025-52881 class), and the file opened must be on
 * procfs (a fake /proc is refused, CVE-2019-16884). name is "exec" or
 * "apparmor/exec". proc_dir is "/proc" outside tests.
 */
int isola_lsm_open_attr(const char *proc_dir, const char *name, struct isola_error *err);

/*
 * The same checks for any procfs file the runtime writes from inside the
 * container (self/oom_score_adj, sys/kernel/..., self/setgroups): path is
 * relative to the procfs root; a leading "self/" or "thread-self/" is
 * resolved by reading the link. flags as for open(2); O_CLOEXEC is added.
 */
int isola_procfs_open(const char *proc_dir, const char *path, int flags, struct isola_error *err);

/*
 * Mount options with the SELinux mount label added (context="label") when
 * SELinux is enabled and label is set; else a copy of data. *out is NULL
 * when data is NULL and nothing was added.
 */
int isola_lsm_mount_data(const char *data, const char *label, char **out, struct isola_error *err);

#endif
