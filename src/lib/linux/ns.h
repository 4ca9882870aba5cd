/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NS_H
#define ISOLA_NS_H

#include <stdbool.h>
#include <sys/types.h>

#include "isola/error.h"
#include "spec/config.h"

/* CLONE_NEW* flags of the namespaces the config asks to create (no path). */
int isola_ns_new_flags(const struct isola_config *c);
/* setns() into every namespace of the config that has a path and whose type is in mask. */
int isola_ns_join_paths(const struct isola_config *c, int mask, struct isola_error *err);
/*
 * Bring up lo in a network namespace we just created, as runc and crun do:
 * processes of containers that join it later by path (a pod's sandbox) talk
 * over 127.0.0.1.
 */
int isola_ns_loopback_up(struct isola_error *err);
/*
 * Point pid_for_children back at our own pid namespace after a setns(CLONE_NEWPID)
 * done for one fork. A no-op except under AddressSanitizer: LeakSanitizer's
 * exit-time tracer is a child that checks getppid() (0 across pid namespaces)
 * and quits, and the leak check then waits for it forever.
 */
void isola_ns_pid_for_children_reset(void);
/*
 * Write uid_map / gid_map of pid. Without privilege: one mapping of our own id
 * is written directly (setgroups denied first); anything more goes through
 * newuidmap/newgidmap and /etc/subuid, /etc/subgid.
 */
int isola_idmap_write(pid_t pid, const struct isola_config *c, struct isola_error *err);
int isola_idmap_write_plain(pid_t pid, const struct isola_config *c, bool uid, bool gid,
			    struct isola_error *err);
/* "0 1000 1\n..." for /proc/PID/uid_map; malloc'd. */
char *isola_idmap_format(const struct isola_idmap *m, size_t n);

#endif
