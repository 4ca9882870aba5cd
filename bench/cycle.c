/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cycle.c - drive one OCI container lifecycle through a runc-CLI-compatible
 * runtime, the way a shim does: create, start, wait for exit, delete.
 * It makes itself a child subreaper, so the container init is reparented to
 * it when `RUNTIME create` exits, and waits for it with waitpid() (falls back
 * to pidfd polling if the runtime leaves a monitor that owns the init).
 *
 * Usage:
 *   cycle [-n N] RUNTIME ROOT BUNDLE ID
 *       create+start+wait+delete (N times; with -n prints per-phase
 *       min/median in ms: create start wait delete total)
 *   cycle -p create|start|delete|clean RUNTIME ROOT BUNDLE ID
 *       "prepare" helper for measuring one phase with hyperfine --prepare:
 *       always `delete -f ID` first (errors ignored), then
 *       start: create;  delete: create+start+wait;  create/clean: nothing.
 *
 * Runtime command lines used (runc CLI):
 *   RUNTIME --root ROOT create --bundle BUNDLE --pid-file F ID
 *   RUNTIME --root ROOT start ID
 *   RUNTIME --root ROOT delete [-f] ID
 * Build: gcc -O2 -o cycle cycle.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *rt, *root, *bundle, *id;
static char pidfile[4096];

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* run the runtime with the given args; returns exit status (or -1) */
static int rtcall(int quiet, const char *a1, const char *a2, const char *a3, const char *a4,
		  const char *a5, const char *a6, const char *a7)
{
	const char *argv[12] = {rt, "--root", root, a1, a2, a3, a4, a5, a6, a7, NULL};
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(null, 0);
		dup2(null, 1);
		if (quiet)
			dup2(null, 2);
		execv(rt, (char **)argv);
		_exit(127);
	}
	int st;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int do_create(pid_t *initpid)
{
	unlink(pidfile);
	if (rtcall(0, "create", "--bundle", bundle, "--pid-file", pidfile, id, NULL) != 0) {
		fprintf(stderr, "cycle: create %s failed\n", id);
		return -1;
	}
	FILE *f = fopen(pidfile, "r");
	int pid = 0;
	if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) {
		fprintf(stderr, "cycle: cannot read pid file %s\n", pidfile);
		return -1;
	}
	fclose(f);
	*initpid = pid;
	return 0;
}

static int do_start(void)
{
	if (rtcall(0, "start", id, NULL, NULL, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "cycle: start %s failed\n", id);
		return -1;
	}
	return 0;
}

static int do_wait(pid_t pid)
{
	int st;
	for (;;) {
		if (waitpid(pid, &st, 0) == pid)
			return 0;
		if (errno == EINTR)
			continue;
		break;
	}
	/* not our child (runtime keeps a monitor): poll a pidfd */
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return errno == ESRCH ? 0 : -1;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	close(fd);
	return 0;
}

static int do_delete(void)
{
	if (rtcall(0, "delete", id, NULL, NULL, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "cycle: delete %s failed\n", id);
		return -1;
	}
	return 0;
}

static int cmpll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int opt, n = 0;
	const char *prep = NULL;
	while ((opt = getopt(argc, argv, "+n:p:")) != -1) {
		switch (opt) {
		case 'n':
			n = atoi(optarg);
			break;
		case 'p':
			prep = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 4)
		goto usage;
	rt = argv[optind];
	root = argv[optind + 1];
	bundle = argv[optind + 2];
	id = argv[optind + 3];
	snprintf(pidfile, sizeof pidfile, "%s/.cycle-%s.pid", root, id);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("prctl");
		return 1;
	}

	pid_t init;
	if (prep) {
		rtcall(1, "delete", "-f", id, NULL, NULL, NULL, NULL);
		if (!strcmp(prep, "create") || !strcmp(prep, "clean"))
			return 0;
		if (do_create(&init))
			return 1;
		if (!strcmp(prep, "start"))
			return 0;
		if (!strcmp(prep, "delete"))
			return do_start() || do_wait(init) ? 1 : 0;
		goto usage;
	}

	int iters = n > 0 ? n : 1;
	long long *t[5];
	for (int k = 0; k < 5; k++)
		t[k] = calloc(iters, sizeof(long long));
	for (int i = 0; i < iters; i++) {
		long long t0 = now_ns();
		if (do_create(&init))
			return 1;
		long long t1 = now_ns();
		if (do_start())
			return 1;
		long long t2 = now_ns();
		if (do_wait(init))
			return 1;
		long long t3 = now_ns();
		if (do_delete())
			return 1;
		long long t4 = now_ns();
		t[0][i] = t1 - t0;
		t[1][i] = t2 - t1;
		t[2][i] = t3 - t2;
		t[3][i] = t4 - t3;
		t[4][i] = t4 - t0;
	}
	unlink(pidfile);
	if (n > 0) {
		static const char *names[] = {"create", "start", "wait", "delete", "total"};
		for (int k = 0; k < 5; k++) {
			qsort(t[k], iters, sizeof(long long), cmpll);
			printf("%s_median_ms=%.3f %s_min_ms=%.3f\n", names[k],
			       t[k][iters / 2] / 1e6, names[k], t[k][0] / 1e6);
		}
	}
	return 0;
usage:
	fprintf(stderr, "usage: cycle [-n N] RUNTIME ROOT BUNDLE ID\n"
			"       cycle -p create|start|delete|clean RUNTIME ROOT BUNDLE ID\n");
	return 2;
}
