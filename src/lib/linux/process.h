/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PROCESS_H
#define ISOLA_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "isola/error.h"
#include "spec/config.h"

struct isola_seccomp;

/*
 * Turning the container init (or an exec'd process) into the configured
 * process, in the order the kernel requires:
 *   limits     rlimits, I/O priority, scheduler (need privilege); oom_score_adj is
 *              written by the parent through the host's /proc/PID (CVE-2025-52881)
 *   identity   bounding set, groups, gid, uid (caps kept across), caps sets, umask, cwd
 *   lookup     find args[0] in the container's PATH (errors worded as runc's:
 *              engines map "executable file not found" to exit 127)
 *   seal       no_new_privs, LSM exec label, then seccomp as the very last step;
 *              without no_new_privs, seccomp_early loads it before the identity
 *              switch, while CAP_SYS_ADMIN is still there
 *   exec       execve with every fd but stdio (and preserved ones) close-on-exec
 */
int isola_process_limits(const struct isola_process *p, struct isola_error *err);
int isola_process_oom_score_adj(pid_t pid, const struct isola_process *p, struct isola_error *err);
/* Close every fd >= first except those in keep (CVE-2024-21626: no host fd may stay). */
int isola_close_fds_except(unsigned int first, const int *keep, size_t n, struct isola_error *err);
int isola_process_seccomp_early(const struct isola_process *p, const struct isola_seccomp *seccomp,
				int *notify_fd, struct isola_error *err);
int isola_process_identity(const struct isola_process *p, struct isola_error *err);
/* Returns a malloc'd absolute path of the executable inside the container. */
char *isola_process_lookup(const struct isola_process *p, struct isola_error *err);
/* *notify_fd gets the seccomp listener when the filter uses SCMP_ACT_NOTIFY. */
int isola_process_seal(const struct isola_process *p, const struct isola_seccomp *seccomp,
		       int *notify_fd, struct isola_error *err);
/* Mark every fd >= 3 + preserve_fds close-on-exec. */
int isola_process_cloexec_fds(unsigned int preserve_fds, struct isola_error *err);
/* execve; returns only on failure. */
int isola_process_exec(const struct isola_process *p, const char *exe, struct isola_error *err);

/* hostname, domainname, sysctl (through a verified procfs), personality. */
int isola_container_identity(const struct isola_config *c, struct isola_error *err);

#endif
