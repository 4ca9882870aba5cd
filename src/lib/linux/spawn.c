/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "core/sys.h"
#include "linux/spawn.h"

pid_t isola_spawn(int ns_flags, int cgroup_fd, bool *into_cgroup)
{
	struct clone_args ca = {.flags = (uint64_t)ns_flags, .exit_signal = SIGCHLD};
	if (cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup_fd;
	}
	pid_t pid = sys_clone3(&ca, sizeof(ca));
	*into_cgroup = pid >= 0 && cgroup_fd >= 0;
	if (pid >= 0 || errno != ENOSYS)
		return pid;
	/* clone() can't say CLONE_NEWTIME (its bit is in the exit-signal field): unshare it first.
	 */
	if ((ns_flags & CLONE_NEWTIME) && unshare(CLONE_NEWTIME) < 0)
		return -1;
	unsigned long flags = (unsigned long)(ns_flags & ~CLONE_NEWTIME) | SIGCHLD;
	return sys_clone(flags);
}
