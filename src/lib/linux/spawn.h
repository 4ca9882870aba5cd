/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPAWN_H
#define ISOLA_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * fork() into new namespaces (and, with cgroup_fd >= 0, straight into a v2
 * cgroup): clone3, or clone where clone3 is missing (older kernels, and
 * valgrind, which the benchmark uses to count instructions). Returns the pid
 * in the parent, 0 in the child, -1 with errno. *into_cgroup says whether
 * CLONE_INTO_CGROUP was honoured (the caller joins the cgroup otherwise).
 */
pid_t isola_spawn(int ns_flags, int cgroup_fd, bool *into_cgroup);

#endif
