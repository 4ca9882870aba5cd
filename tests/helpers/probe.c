/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * probe SUBCOMMAND [ARGS]: report what a process inside a container sees, one
 * "key: value" line each, so integration tests can assert exact values. Linked
 * statically: it runs inside minimal rootfses with no libc.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static int cat_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "probe: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* Print the lines of FILE that start with one of PREFIXES. */
static int grep_status(const char *const *prefixes)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f) {
		perror("probe: open /proc/self/status");
		return 1;
	}
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		for (const char *const *p = prefixes; *p; p++)
			if (strncmp(line, *p, strlen(*p)) == 0)
				fputs(line, stdout);
	}
	fclose(f);
	return 0;
}

static int cmd_ids(int argc, char **argv)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);
	if (n < 0) {
		perror("probe: getgroups");
		return 1;
	}
	printf("uid: %u\ngid: %u\neuid: %u\negid: %u\ngroups:", getuid(), getgid(), geteuid(),
	       getegid());
	for (int i = 0; i < n; i++)
		printf(" %u", groups[i]);
	printf("\n");
	return 0;
}

static int cmd_caps(int argc, char **argv)
{
	static const char *const p[] = {
	    "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", NULL};
	return grep_status(p);
}

static int cmd_nnp(int argc, char **argv)
{
	static const char *const p[] = {"NoNewPrivs:", NULL};
	return grep_status(p);
}

static int cmd_seccomp(int argc, char **argv)
{
	static const char *const p[] = {"Seccomp:", NULL};
	return grep_status(p);
}

static int cmd_hostname(int argc, char **argv)
{
	char buf[256];
	if (gethostname(buf, sizeof(buf)) < 0) {
		perror("probe: gethostname");
		return 1;
	}
	printf("hostname: %s\n", buf);
	return 0;
}

static int cmd_domainname(int argc, char **argv)
{
	char buf[256];
	if (getdomainname(buf, sizeof(buf)) < 0) {
		perror("probe: getdomainname");
		return 1;
	}
	printf("domainname: %s\n", buf);
	return 0;
}

static int cmd_mounts(int argc, char **argv)
{
	return cat_file("/proc/self/mountinfo");
}

static int cmd_cgroup(int argc, char **argv)
{
	return cat_file("/proc/self/cgroup");
}

static int cmd_oom(int argc, char **argv)
{
	printf("oom_score_adj: ");
	fflush(stdout);
	return cat_file("/proc/self/oom_score_adj");
}

static int cmd_ns(int argc, char **argv)
{
	static const char *const names[] = {"cgroup",
					    "ipc",
					    "mnt",
					    "net",
					    "pid",
					    "time",
					    "user",
					    "uts",
					    "pid_for_children",
					    "time_for_children",
					    NULL};
	for (const char *const *n = names; *n; n++) {
		char path[64], target[256];
		snprintf(path, sizeof(path), "/proc/self/ns/%s", *n);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		printf("%s: %s\n", *n, target);
	}
	return 0;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static void print_limit(rlim_t v)
{
	if (v == RLIM_INFINITY)
		printf("unlimited");
	else
		printf("%llu", (unsigned long long)v);
}

static int cmd_rlimits(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++) {
		struct rlimit rl;
		if (getrlimit(rlimits[i].resource, &rl) < 0) {
			perror("probe: getrlimit");
			return 1;
		}
		printf("%s: ", rlimits[i].name);
		print_limit(rl.rlim_cur);
		printf(" ");
		print_limit(rl.rlim_max);
		printf("\n");
	}
	return 0;
}

/* Any fd beyond stdio that reaches the container is a leak (CVE-2024-21626 leaked a host
 * directory fd that let the process escape through /proc/self/fd/N). */
static int cmd_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("probe: opendir /proc/self/fd");
		return 1;
	}
	int self = dirfd(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd <= 2 || fd == self)
			continue;
		char path[64], target[PATH_MAX];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			len = 0;
		target[len] = '\0';
		printf("fd %d: %s\n", fd, target);
	}
	closedir(d);
	return 0;
}

static int cmd_cwd(int argc, char **argv)
{
	char buf[PATH_MAX];
	if (!getcwd(buf, sizeof(buf))) {
		perror("probe: getcwd");
		return 1;
	}
	printf("cwd: %s\n", buf);
	return 0;
}

static int cmd_env(int argc, char **argv)
{
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
	return 0;
}

static int cmd_umask(int argc, char **argv)
{
	mode_t m = umask(0);
	umask(m);
	printf("umask: %04o\n", m);
	return 0;
}

static int cmd_pid(int argc, char **argv)
{
	printf("pid: %d\nppid: %d\n", getpid(), getppid());
	return 0;
}

static int cmd_sysctl(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: probe sysctl NAME\n");
		return 2;
	}
	char path[PATH_MAX] = "/proc/sys/";
	size_t off = strlen(path);
	for (const char *s = argv[0]; *s && off < sizeof(path) - 1; s++)
		path[off++] = *s == '.' ? '/' : *s;
	path[off] = '\0';
	printf("%s: ", argv[0]);
	fflush(stdout);
	return cat_file(path);
}

static int cmd_personality(int argc, char **argv)
{
	int p = personality(0xffffffff);
	if (p < 0) {
		perror("probe: personality");
		return 1;
	}
	printf("personality: 0x%x\n", (unsigned)p);
	printf("domain: %s\n", (p & PER_MASK) == PER_LINUX32 ? "LINUX32" : "LINUX");
	return 0;
}

static const char *file_type(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "dir";
	case S_IFLNK:
		return "symlink";
	case S_IFCHR:
		return "char";
	case S_IFBLK:
		return "block";
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	default:
		return "unknown";
	}
}

static int cmd_stat(int argc, char **argv)
{
	struct stat st;
	if (argc < 1) {
		fprintf(stderr, "usage: probe stat PATH\n");
		return 2;
	}
	if (lstat(argv[0], &st) < 0) {
		fprintf(stderr, "probe: stat %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	printf("type: %s\nmode: %04o\nmajor: %u\nminor: %u\nuid: %u\ngid: %u\n",
	       file_type(st.st_mode), st.st_mode & 07777, major(st.st_rdev), minor(st.st_rdev),
	       st.st_uid, st.st_gid);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(argv[0], target, sizeof(target) - 1);
		if (len >= 0) {
			target[len] = '\0';
			printf("target: %s\n", target);
		}
	}
	return 0;
}

/* Prints "ok" or the errno name-ish text; exits 0 either way so tests can assert it. */
static int cmd_write(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: probe write PATH\n");
		return 2;
	}
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "x", 1) < 0) {
		printf("write: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	printf("write: ok\n");
	return 0;
}

static int cmd_read(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: probe read PATH\n");
		return 2;
	}
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	char buf[64];
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0) {
		printf("read: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	printf("read: ok\n");
	return 0;
}

static int cmd_sleep(int argc, char **argv)
{
	unsigned n = argc > 0 ? (unsigned)atoi(argv[0]) : 3600;
	while (n > 0)
		n = sleep(n);
	return 0;
}

static int cmd_exit(int argc, char **argv)
{
	return argc > 0 ? atoi(argv[0]) : 0;
}

static int cmd_tty(int argc, char **argv)
{
	for (int fd = 0; fd <= 2; fd++)
		printf("isatty%d: %d\n", fd, isatty(fd));
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		printf("rows: %u\ncols: %u\n", ws.ws_row, ws.ws_col);
	char *name = ttyname(STDOUT_FILENO);
	if (name)
		printf("ttyname: %s\n", name);
	struct stat st;
	if (isatty(STDOUT_FILENO) && fstat(STDOUT_FILENO, &st) == 0)
		printf("tty_uid: %u\ntty_gid: %u\n", st.st_uid, st.st_gid);
	return 0;
}

/* syscall NR: make raw syscall NR with zero arguments and report its errno (0: it worked). */
static int cmd_syscall(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "usage: probe syscall NR\n");
		return 2;
	}
	long nr = strtol(argv[0], NULL, 10);
	errno = 0;
	long r = syscall(nr, 0, 0, 0, 0, 0, 0);
	printf("errno: %d\n", r < 0 ? errno : 0);
	return 0;
}

static int cmd_ioprio(int argc, char **argv)
{
	/* IOPRIO_WHO_PROCESS = 1; class in the top 3 of 16 bits */
	long v = syscall(SYS_ioprio_get, 1, 0);
	if (v < 0) {
		perror("probe: ioprio_get");
		return 1;
	}
	printf("ioprio_class: %ld\nioprio_data: %ld\n", v >> 13, v & 0x1fff);
	return 0;
}

static const char *policy_name(int p)
{
	switch (p & ~SCHED_RESET_ON_FORK) {
	case SCHED_OTHER:
		return "SCHED_OTHER";
	case SCHED_FIFO:
		return "SCHED_FIFO";
	case SCHED_RR:
		return "SCHED_RR";
	case SCHED_BATCH:
		return "SCHED_BATCH";
	case SCHED_IDLE:
		return "SCHED_IDLE";
	default:
		return "unknown";
	}
}

static int cmd_sched(int argc, char **argv)
{
	int p = sched_getscheduler(0);
	struct sched_param sp;
	if (p < 0 || sched_getparam(0, &sp) < 0) {
		perror("probe: sched_getscheduler");
		return 1;
	}
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	printf("policy: %s\npriority: %d\nnice: %d\n", policy_name(p), sp.sched_priority, nice);
	return 0;
}

/* Output for the console test: what we are plus a marker the receiver can wait for. */
static int cmd_hello(int argc, char **argv)
{
	cmd_tty(argc, argv);
	printf("hello from probe\n");
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
    {"ids", cmd_ids},
    {"caps", cmd_caps},
    {"hostname", cmd_hostname},
    {"domainname", cmd_domainname},
    {"mounts", cmd_mounts},
    {"ns", cmd_ns},
    {"rlimits", cmd_rlimits},
    {"fds", cmd_fds},
    {"cwd", cmd_cwd},
    {"env", cmd_env},
    {"umask", cmd_umask},
    {"nnp", cmd_nnp},
    {"seccomp", cmd_seccomp},
    {"oom", cmd_oom},
    {"pid", cmd_pid},
    {"sysctl", cmd_sysctl},
    {"personality", cmd_personality},
    {"stat", cmd_stat},
    {"write", cmd_write},
    {"read", cmd_read},
    {"sleep", cmd_sleep},
    {"exit", cmd_exit},
    {"tty", cmd_tty},
    {"cgroup", cmd_cgroup},
    {"ioprio", cmd_ioprio},
    {"sched", cmd_sched},
    {"hello", cmd_hello},
    {"syscall", cmd_syscall},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: probe SUBCOMMAND [ARGS]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) == 0) {
			int rc = cmds[i].fn(argc - 2, argv + 2);
			if (fflush(stdout) != 0)
				rc = 1;
			return rc;
		}
	}
	fprintf(stderr, "probe: unknown subcommand %s\n", argv[1]);
	return 2;
}
