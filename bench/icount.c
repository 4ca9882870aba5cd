/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * icount.c - count the user-space instructions of a command and of every
 * process and thread it creates, by ptrace single-stepping, until each of them
 * execs a different program. This gives the same number as callgrind's Ir on a
 * machine with no PMU, and it works where valgrind 3.19 fails: valgrind has no
 * clone3 or openat2 (ENOSYS), and runtimes need both.
 *
 * An exec keeps being counted when the new program is the same file as CMD or
 * a memfd (a runtime re-executing itself); any other exec (the container's
 * process) is detached and runs untraced.
 *
 * Usage: icount [-m MAX] [-p FILE] CMD [ARGS...]
 *   prints "<instructions> <processes>" on stderr as "icount: ..." and exits
 *   with CMD's status; -m stops counting (and says so) after MAX million steps;
 *   -p writes a profile to FILE: "pid <pid> <steps>" per process, then
 *   "<hex address> <steps>" per instruction address (symbolize with nm -n for
 *   a static non-PIE binary; bench/profile.sh does).
 * Build: gcc -O2 -o icount icount.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static struct stat self_exe;

/* -p: steps per instruction address (open addressing) and per process */
#define HBITS 20
static unsigned long long *haddr, *hcount;
#define MAXP 256
static pid_t ppid_[MAXP];
static unsigned long long psteps[MAXP];
static int np;

static void prof_step(pid_t pid)
{
	struct user_regs_struct r;
	int k;
	for (k = 0; k < np && ppid_[k] != pid; k++)
		;
	if (k == np && np < MAXP)
		ppid_[np++] = pid;
	if (k < MAXP)
		psteps[k]++;
	if (ptrace(PTRACE_GETREGS, pid, NULL, &r) < 0)
		return;
	unsigned long long a = r.rip, h = (a * 0x9E3779B97F4A7C15ULL) >> (64 - HBITS);
	for (unsigned long long i = 0; i < (1ULL << HBITS);
	     i++, h = (h + 1) & ((1ULL << HBITS) - 1)) {
		if (haddr[h] == a || haddr[h] == 0) {
			haddr[h] = a;
			hcount[h]++;
			return;
		}
	}
}

static void prof_write(const char *file)
{
	FILE *f = fopen(file, "we");
	if (!f) {
		perror("icount: profile");
		return;
	}
	for (int k = 0; k < np; k++)
		fprintf(f, "pid %d %llu\n", (int)ppid_[k], psteps[k]);
	for (unsigned long long h = 0; h < (1ULL << HBITS); h++)
		if (haddr[h])
			fprintf(f, "%llx %llu\n", haddr[h], hcount[h]);
	fclose(f);
}

/* is the program pid just exec'd the runtime itself (or a memfd copy of it)? */
static int same_program(pid_t pid)
{
	char p[64], target[256];
	struct stat st;
	snprintf(p, sizeof p, "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(p, target, sizeof target - 1);
	if (n > 0) {
		target[n] = 0;
		if (strncmp(target, "/memfd:", 7) == 0)
			return 1;
	}
	if (stat(p, &st) < 0)
		return 0;
	return st.st_dev == self_exe.st_dev && st.st_ino == self_exe.st_ino;
}

int main(int argc, char **argv)
{
	unsigned long long steps = 0, max = 0;
	int opt, nproc = 1, status = 0, capped = 0;
	const char *prof = NULL;
	pid_t child;

	while ((opt = getopt(argc, argv, "+m:p:")) != -1) {
		if (opt == 'm')
			max = strtoull(optarg, NULL, 10) * 1000000ULL;
		else if (opt == 'p')
			prof = optarg;
		else
			goto usage;
	}
	if (prof) {
		haddr = calloc(1ULL << HBITS, sizeof(*haddr));
		hcount = calloc(1ULL << HBITS, sizeof(*hcount));
		if (!haddr || !hcount)
			return 1;
	}
	if (optind >= argc)
		goto usage;
	child = fork();
	if (child < 0) {
		perror("icount: fork");
		return 1;
	}
	if (child == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(126);
		raise(SIGSTOP);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	int st;
	if (waitpid(child, &st, 0) < 0 || !WIFSTOPPED(st)) {
		fprintf(stderr, "icount: child did not stop\n");
		return 1;
	}
	ptrace(PTRACE_SETOPTIONS, child, NULL,
	       (void *)(long)(PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			      PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
	/* run untraced up to the exec of CMD, then count from its first instruction */
	ptrace(PTRACE_CONT, child, NULL, NULL);
	if (waitpid(child, &st, 0) < 0 || !WIFSTOPPED(st) || (st >> 16) != PTRACE_EVENT_EXEC) {
		fprintf(stderr, "icount: cannot exec %s\n", argv[optind]);
		return 127;
	}
	char p[64];
	snprintf(p, sizeof p, "/proc/%d/exe", (int)child);
	stat(p, &self_exe);
	ptrace(PTRACE_SINGLESTEP, child, NULL, NULL);

	for (;;) {
		pid_t pid = waitpid(-1, &st, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: everything exited or was detached */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == child)
				status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st), ev = st >> 16, deliver = 0;
		if (sig == SIGTRAP && ev == 0) {
			steps++;
			if (prof)
				prof_step(pid);
		} else if (sig == SIGTRAP && ev == PTRACE_EVENT_EXEC) {
			if (!same_program(pid)) {
				ptrace(PTRACE_DETACH, pid, NULL, NULL);
				continue;
			}
		} else if (sig == SIGTRAP && ev) {
			nproc += ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK ||
				 ev == PTRACE_EVENT_CLONE;
		} else if (sig == SIGSTOP && ev == 0) {
			/* the automatic first stop of a new traced task, or a real SIGSTOP */
		} else {
			deliver = sig;
		}
		if (max && steps >= max && !capped) {
			capped = 1;
			fprintf(stderr, "icount: stopped counting at %llu\n", steps);
		}
		if (capped)
			ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)deliver);
		else
			ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(long)deliver);
	}
	fprintf(stderr, "icount: %llu %d%s\n", steps, nproc, capped ? " capped" : "");
	if (prof)
		prof_write(prof);
	return status;
usage:
	fprintf(stderr, "usage: icount [-m MILLIONS] [-p FILE] CMD [ARGS...]\n");
	return 2;
}
