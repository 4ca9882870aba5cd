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
 * process. The seccomp filter applies to the runtime's own calls after it
 * is loaded, and the profile was written for the container's program, not
 * for us (it may predate close_range, or refuse getcwd): everything that can
 * go before the filter does, and after it come only the calls that can't
 * move (issue 11):
 *   limits     rlimits, I/O priority, scheduler (need privilege); oom_score_adj is
 *              written by the parent through the host's /proc/PID (CVE-2025-52881)
 *   prepare    enter and verify the cwd as root; HOME from the container's
 *              /etc/passwd when the env has none; find args[0] in the container's
 *              PATH (errors worded as runc's: engines map "executable file not
 *              found" to exit 127); umask; every fd but stdio (and preserved
 *              ones) close-on-exec
 *   seal       no_new_privs, LSM exec label, then with noNewPrivileges: the
 *              identity switch (bounding set, groups, gid, uid with caps kept
 *              across, caps sets) and the filter last; without: the filter
 *              first, while CAP_SYS_ADMIN is still there, then the switch
 *   exec       execve
 * What runs after seal (the sync messages, the exec fifo, startContainer
 * hooks, execve) runs under the filter, as with runc.
 */
struct isola_launch {
	char *exe;	/* args[0] resolved inside the container */
	char **env;	/* process.env plus HOME, or NULL: process.env as it is */
	char *home;	/* the "HOME=..." in env */
	bool cwd_again; /* root was refused the cwd: enter it after the user switch */
};

int isola_process_limits(const struct isola_process *p, struct isola_error *err);
int isola_process_oom_score_adj(pid_t pid, const struct isola_process *p, struct isola_error *err);
/* Close every fd >= first except those in keep (CVE-2024-21626: no host fd may stay). */
int isola_close_fds_except(unsigned int first, const int *keep, size_t n, struct isola_error *err);
/* rootfd: the container's root (for /etc/passwd); fds >= 3 + preserve_fds get close-on-exec. */
int isola_process_prepare(const struct isola_process *p, int rootfd, unsigned int preserve_fds,
			  struct isola_launch *l, struct isola_error *err);
/* *notify_fd gets the seccomp listener when the filter uses SCMP_ACT_NOTIFY. */
int isola_process_seal(const struct isola_process *p, const struct isola_seccomp *seccomp,
		       struct isola_launch *l, int *notify_fd, struct isola_error *err);
/* execve; returns only on failure. */
int isola_process_exec(const struct isola_process *p, const struct isola_launch *l,
		       struct isola_error *err);
void isola_launch_release(struct isola_launch *l);

/* hostname, domainname, sysctl (through a verified procfs), personality. */
int isola_container_identity(const struct isola_config *c, struct isola_error *err);

#endif
