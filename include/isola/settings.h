/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SETTINGS_H
#define ISOLA_SETTINGS_H

/*
 * Process-wide settings a front end makes once, before any container call.
 * The library reads no environment: the CLIs map their knobs
 * (ISOLA_CGROUP_ROOT, ISOLA_MOUNT_COMPAT=1, used by the tests) onto these.
 */
#include <stdbool.h>

/* Where the cgroup hierarchies are mounted; NULL or "": /sys/fs/cgroup. */
void isola_cgroup_set_root(const char *root);
/* Mount with mount(2) even where the new mount API works (it is probed otherwise). */
void isola_mount_set_compat(bool on);

#endif
