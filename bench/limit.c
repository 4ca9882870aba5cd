/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * limit.c - physical-limit baseline ("floor") for container start.
 *
 * Does the irreducible kernel work a runtime does for the default
 * `runc spec` namespaces, and nothing else:
 *   clone(CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWNET)
 *   child: make / rprivate, bind-mount ROOTFS on itself, pivot_root into it
 *          (pivot_root(".", ".") + umount2(".", MNT_DETACH) trick, as runc and
 *          crun do), mount a fresh proc on /proc, execv(CMD).
 *   parent: waitpid() for the child.
 *
 * Options:
 *   -c        also create a cgroup-v1 memory+pids group per container
 *             (<mnt>/memory/isolatest-bench-floor/<pid>, same for pids), put the child in
 *             it before it proceeds (parent writes cgroup.procs while the child
 *             waits on a pipe, like a runtime), rmdir both after exit.
 *             On a pure cgroup2 host it creates one v2 group instead.
 *   -a        like -c but in EVERY v1 hierarchy this process belongs to
 *             (cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids,
 *             name=systemd here; cpuset.cpus/mems initialised) plus a
 *             devices "a" deny: the same cgroup work runc/crun do on v1.
 *   -e PID    exec floor: setns() into PID's ipc,uts,net,pid,mnt namespaces,
 *             join all of PID's cgroups (v1 + v2), fork, chdir("/"), exec CMD,
 *             wait. (What `runtime exec` must do at minimum.)
 *   -f        "full" variant: additionally do the mounts of the default
 *             `runc spec` config (tmpfs /dev, devpts, /dev/shm, mqueue, ro sysfs,
 *             6 device-node bind mounts, masked/readonly paths, read-only root
 *             remount, sethostname; with -a also the v1 /sys/fs/cgroup tmpfs
 *             with one ro bind mount per hierarchy).
 *   -t        with -c/-a: the parent creates the groups before clone and the
 *             child joins them itself by writing "0" to each v1 `tasks` file
 *             (no global rwsem, no RCU grace period; v2: cgroup.procs).
 *   -n N      repeat N times inside one process and print per-iteration
 *             min/median/mean in microseconds (no fork/exec of this binary).
 *   -C DIR    cgroup v1 mount root (default /sys/fs/cgroup).
 *
 * Usage: limit [-c|-a] [-f] [-n N] ROOTFS [CMD [ARGS...]]   (CMD default /bin/true)
 *        limit -e PID [-n N] [CMD [ARGS...]]
 * Build: gcc -O2 -static -o limit limit.c   (run.sh builds it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *rootfs;
static char **cmd;
static int use_cg, full; /* use_cg: 1 = memory+pids, 2 = all v1 hierarchies */
static const char *cgroot = "/sys/fs/cgroup";
static int syncfd[2];
#define MAXH 16
static int hierarchies(const char *procfile, char dirs[MAXH][256], char paths[MAXH][512],
		       int want_v2);
static void cgroup_mounts(void);
static int is_v2_only(void);
static void join_cgroups(const char *file, const char *who);
static int self_join;

static void die(const char *what)
{
	fprintf(stderr, "limit: %s: %s\n", what, strerror(errno));
	_exit(127);
}

static void must_mount(const char *src, const char *dst, const char *type, unsigned long fl,
		       const char *data)
{
	if (mount(src, dst, type, fl, data) < 0) {
		fprintf(stderr, "limit: mount %s on %s (%s): %s\n", src ? src : "-", dst,
			type ? type : "-", strerror(errno));
		_exit(127);
	}
}

static void mkdirp(const char *p)
{
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		die(p);
}

static void full_mounts(void)
{
	/* relative to the new root, before pivot (we are chdir'ed into it) */
	must_mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	mkdirp("dev/pts");
	mkdirp("dev/shm");
	mkdirp("dev/mqueue");
	must_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		   "newinstance,ptmxmode=0666,mode=0620,gid=5");
	must_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV,
		   "mode=1777,size=65536k");
	must_mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	must_mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
	if (use_cg == 2)
		cgroup_mounts();
	/* default device nodes a runtime creates (bind from host, as in userns case) */
	static const char *devs[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};
	for (int i = 0; devs[i]; i++) {
		char d[64], s[64];
		snprintf(d, sizeof d, "dev/%s", devs[i]);
		snprintf(s, sizeof s, "/dev/%s", devs[i]);
		int fd = open(d, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd >= 0)
			close(fd);
		must_mount(s, d, NULL, MS_BIND, NULL);
	}
	if (symlink("pts/ptmx", "dev/ptmx") < 0 && errno != EEXIST)
		die("symlink ptmx");
}

static void full_after_pivot(void)
{
	static const char *masked[] = {"/proc/acpi",
				       "/proc/asound",
				       "/proc/kcore",
				       "/proc/keys",
				       "/proc/latency_stats",
				       "/proc/timer_list",
				       "/proc/timer_stats",
				       "/proc/sched_debug",
				       "/sys/firmware",
				       "/proc/scsi",
				       NULL};
	static const char *ro[] = {"/proc/bus",		  "/proc/fs", "/proc/irq", "/proc/sys",
				   "/proc/sysrq-trigger", NULL};
	struct stat st;
	for (int i = 0; masked[i]; i++) {
		if (stat(masked[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			mount("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
		else
			mount("/dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	for (int i = 0; ro[i]; i++) {
		if (mount(ro[i], ro[i], NULL, MS_BIND | MS_REC, NULL) == 0)
			mount(ro[i], ro[i], NULL, MS_BIND | MS_REC | MS_REMOUNT | MS_RDONLY, NULL);
	}
	/* read-only rootfs */
	must_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
	sethostname("floor", 5);
}

static int child_main(void *arg)
{
	(void)arg;
	char c;
	close(syncfd[1]);
	if (read(syncfd[0], &c, 1) != 1) /* wait until parent placed us in cgroups */
		_exit(126);
	close(syncfd[0]);
	/*
	 * v1: a single-threaded task moving itself ("0" into tasks) skips the
	 * global cgroup_threadgroup_rwsem, whose write side waits for an RCU
	 * grace period (ms) when another task writes a pid into cgroup.procs.
	 */
	if (self_join)
		join_cgroups(is_v2_only() ? "cgroup.procs" : "tasks", "0");

	must_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	must_mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die("chdir rootfs");
	if (full)
		full_mounts();
	/* pivot_root(".", ".") then lazily detach the old root stacked on top */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("umount old root");
	if (chdir("/") < 0)
		die("chdir /");
	must_mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	if (full)
		full_after_pivot();
	execv(cmd[0], cmd);
	die("execv");
	return 127;
}

static int is_v2_only(void)
{
	char p[512];
	snprintf(p, sizeof p, "%s/cgroup.controllers", cgroot);
	return access(p, F_OK) == 0;
}

static int write_str(const char *path, const char *s, int fatal)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok = 0;
	if (fd >= 0) {
		ok = write(fd, s, strlen(s)) >= 0;
		close(fd);
	}
	if (!ok && fatal) {
		fprintf(stderr, "limit: write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return ok;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = 0;
	return (int)r;
}

/*
 * Map the hierarchies listed in /proc/<pid>/cgroup to directories under
 * cgroot, using the usual systemd layout: "4:memory:/x" -> <cgroot>/memory/x,
 * "9:name=systemd:/x" -> <cgroot>/systemd/x, "0::/x" -> <cgroot>/unified/x
 * (hybrid) or <cgroot>/x (pure v2). Returns the number of entries.
 * dirs[i] receives the hierarchy mount dir, paths[i] the cgroup path.
 */
static int hierarchies(const char *procfile, char dirs[MAXH][256], char paths[MAXH][512],
		       int want_v2)
{
	char buf[8192], *save = NULL;
	int n = 0, v2only = is_v2_only();
	if (read_str(procfile, buf, sizeof buf) < 0)
		return 0;
	for (char *line = strtok_r(buf, "\n", &save); line && n < MAXH;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c1 = *c2 = 0;
		const char *ctl = c1 + 1, *path = c2 + 1;
		if (*ctl == 0) {
			if (!want_v2)
				continue;
			if (v2only)
				snprintf(dirs[n], 256, "%s", cgroot);
			else
				snprintf(dirs[n], 256, "%s/unified", cgroot);
		} else {
			if (strncmp(ctl, "name=", 5) == 0)
				ctl += 5;
			snprintf(dirs[n], 256, "%s/%s", cgroot, ctl);
		}
		char probe[600];
		snprintf(probe, sizeof probe, "%s/cgroup.procs", dirs[n]);
		if (access(probe, F_OK) < 0)
			continue; /* not mounted (e.g. unified unmounted in our namespace) */
		snprintf(paths[n], 512, "%s", path);
		n++;
	}
	return n;
}

static void cpuset_init(const char *dir, const char *parent)
{
	char p[700], buf[256];
	const char *f[] = {"cpuset.cpus", "cpuset.mems"};
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, f[i]);
		if (read_str(p, buf, sizeof buf) > 1)
			continue; /* already set */
		snprintf(p, sizeof p, "%s/%s", parent, f[i]);
		if (read_str(p, buf, sizeof buf) < 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, f[i]);
		write_str(p, buf, 1);
	}
}

/*
 * The spec's {"type":"cgroup", destination /sys/fs/cgroup} mount on v1: a tmpfs
 * with one read-only bind mount of our own cgroup per hierarchy (as runc/crun).
 */
static void cgroup_mounts(void)
{
	char dirs[MAXH][256], paths[MAXH][512], src[800], dst[300];
	int nh = hierarchies("/proc/self/cgroup", dirs, paths, 0);
	must_mount("tmpfs", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=755");
	for (int i = 0; i < nh; i++) {
		const char *base = strrchr(dirs[i], '/') + 1;
		snprintf(dst, sizeof dst, "sys/fs/cgroup/%s", base);
		mkdirp(dst);
		snprintf(src, sizeof src, "%s%s", dirs[i], paths[i]);
		must_mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
		must_mount(NULL, dst, NULL,
			   MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV,
			   NULL);
	}
	must_mount(NULL, "sys/fs/cgroup", NULL,
		   MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=755");
}

static char cg[MAXH][700];
static int ncg;

/* one group per hierarchy named NAME under isolatest-bench-floor, ready to join */
static void make_cgroups(const char *name)
{
	char dirs[MAXH][256], paths[MAXH][512], procs[800];
	int nh;
	ncg = 0;
	if (is_v2_only()) {
		snprintf(dirs[0], 256, "%s", cgroot);
		nh = 1;
	} else if (use_cg == 2) {
		nh = hierarchies("/proc/self/cgroup", dirs, paths, 0);
	} else {
		snprintf(dirs[0], 256, "%s/memory", cgroot);
		snprintf(dirs[1], 256, "%s/pids", cgroot);
		nh = 2;
	}
	for (int i = 0; i < nh; i++) {
		char parent[512];
		snprintf(parent, sizeof parent, "%s/isolatest-bench-floor", dirs[i]);
		mkdir(parent, 0755);
		snprintf(cg[ncg], sizeof cg[0], "%s/%s", parent, name);
		if (mkdir(cg[ncg], 0755) < 0)
			die(cg[ncg]);
		if (strstr(dirs[i], "/cpuset")) {
			cpuset_init(parent, dirs[i]);
			cpuset_init(cg[ncg], parent);
		}
		if (strstr(dirs[i], "/devices")) {
			snprintf(procs, sizeof procs, "%s/devices.deny", cg[ncg]);
			write_str(procs, "a", 1);
		}
		ncg++;
	}
}

static void join_cgroups(const char *file, const char *who)
{
	char procs[800];
	for (int i = 0; i < ncg; i++) {
		snprintf(procs, sizeof procs, "%s/%s", cg[i], file);
		write_str(procs, who, 1);
	}
}

static int one(void)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	static int iter;
	char name[64];

	if (pipe2(syncfd, O_CLOEXEC) < 0)
		die("pipe");
	if (use_cg && self_join) {
		snprintf(name, sizeof name, "%d-%d", (int)getpid(), iter++);
		make_cgroups(name);
	}
	int flags =
	    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD;
	pid_t pid = clone(child_main, stack + sizeof stack, flags, NULL);
	if (pid < 0)
		die("clone");
	close(syncfd[0]);
	if (use_cg && !self_join) {
		snprintf(name, sizeof name, "%d", (int)pid);
		make_cgroups(name);
		join_cgroups("cgroup.procs", name);
	}
	if (write(syncfd[1], "x", 1) != 1)
		die("sync write");
	close(syncfd[1]);
	int st;
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	for (int i = 0; i < ncg; i++) {
		/* rmdir can race with the exiting task being uncharged; retry briefly */
		for (int t = 0; rmdir(cg[i]) < 0; t++) {
			if (errno != EBUSY || t > 1000)
				die(cg[i]);
			usleep(100);
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "limit: child failed (status 0x%x)\n", st);
		return 1;
	}
	return 0;
}

/* exec floor: enter an existing container and run cmd */
static int one_exec(int target)
{
	static const char *ns[] = {"ipc", "uts", "net", "pid", "mnt"};
	char p[800], dirs[MAXH][256], paths[MAXH][512], me[32];
	int fds[5];
	for (int i = 0; i < 5; i++) {
		snprintf(p, sizeof p, "/proc/%d/ns/%s", target, ns[i]);
		if ((fds[i] = open(p, O_RDONLY | O_CLOEXEC)) < 0)
			die(p);
	}
	snprintf(p, sizeof p, "/proc/%d/cgroup", target);
	int nh = hierarchies(p, dirs, paths, 1);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/* join cgroups first (needs host paths), then namespaces */
		snprintf(me, sizeof me, "%d", (int)getpid());
		for (int i = 0; i < nh; i++) {
			snprintf(p, sizeof p, "%s%s/tasks", dirs[i], paths[i]);
			if (self_join && access(p, F_OK) == 0) {
				write_str(p, "0", 1);
				continue;
			}
			snprintf(p, sizeof p, "%s%s/cgroup.procs", dirs[i], paths[i]);
			write_str(p, me, 1);
		}
		for (int i = 0; i < 5; i++)
			if (setns(fds[i], 0) < 0)
				die(ns[i]);
		/* setns(CLONE_NEWPID) only affects children: fork once more */
		pid_t c = fork();
		if (c < 0)
			die("fork2");
		if (c == 0) {
			if (chdir("/") < 0)
				die("chdir");
			execv(cmd[0], cmd);
			die("execv");
		}
		int st;
		if (waitpid(c, &st, 0) < 0)
			die("waitpid2");
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 125);
	}
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	int st;
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "limit: exec child failed (status 0x%x)\n", st);
		return 1;
	}
	return 0;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmpll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int opt, n = 0, target = 0;
	static char *defcmd[] = {"/bin/true", NULL};
	const char *usage = "usage: limit [-c|-a] [-f] [-t] [-n N] [-C CGROOT] ROOTFS [CMD...]\n"
			    "       limit -e PID [-n N] [-C CGROOT] [CMD...]\n";
	while ((opt = getopt(argc, argv, "+caftn:C:e:")) != -1) {
		switch (opt) {
		case 'c':
			use_cg = 1;
			break;
		case 'a':
			use_cg = 2;
			break;
		case 'f':
			full = 1;
			break;
		case 't':
			self_join = 1;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'C':
			cgroot = optarg;
			break;
		case 'e':
			target = atoi(optarg);
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!target) {
		if (optind >= argc) {
			fputs(usage, stderr);
			return 2;
		}
		rootfs = realpath(argv[optind++], NULL);
		if (!rootfs)
			die("realpath rootfs");
	}
	cmd = optind < argc ? &argv[optind] : defcmd;
	if (n <= 0)
		return target ? one_exec(target) : one();

	long long *t = calloc(n, sizeof *t), sum = 0;
	for (int i = 0; i < n; i++) {
		long long t0 = now_ns();
		if (target ? one_exec(target) : one())
			return 1;
		t[i] = now_ns() - t0;
		sum += t[i];
	}
	qsort(t, n, sizeof *t, cmpll);
	printf("n=%d min=%.1fus median=%.1fus mean=%.1fus max=%.1fus\n", n, t[0] / 1e3,
	       t[n / 2] / 1e3, sum / (double)n / 1e3, t[n - 1] / 1e3);
	return 0;
}
