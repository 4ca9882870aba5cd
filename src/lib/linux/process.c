/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/sys.h"
#include "core/util.h"
#include "linux/caps.h"
#include "linux/lsm.h"
#include "linux/passwd.h"
#include "linux/process.h"
#include "linux/seccomp.h"

static const char *rlimit_name(int r)
{
	static const char *const names[] = {
	    [RLIMIT_CPU] = "RLIMIT_CPU",	   [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
	    [RLIMIT_DATA] = "RLIMIT_DATA",	   [RLIMIT_STACK] = "RLIMIT_STACK",
	    [RLIMIT_CORE] = "RLIMIT_CORE",	   [RLIMIT_RSS] = "RLIMIT_RSS",
	    [RLIMIT_NPROC] = "RLIMIT_NPROC",	   [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
	    [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",   [RLIMIT_AS] = "RLIMIT_AS",
	    [RLIMIT_LOCKS] = "RLIMIT_LOCKS",	   [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	    [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
	    [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",	   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
	};
	if (r >= 0 && r < (int)(sizeof(names) / sizeof(names[0])) && names[r])
		return names[r];
	return "RLIMIT_?";
}

static int apply_rlimits(const struct isola_process *p, struct isola_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct isola_rlimit *l = &p->rlimits[i];
		struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};
		if (setrlimit(l->resource, &rl) == 0)
			continue;
		int e = errno;
		struct rlimit cur = {0};
		getrlimit(l->resource, &cur);
		if (e == EPERM && l->hard > cur.rlim_max)
			return isola_err(
			    err, ISOLA_ERR_SYSTEM, e,
			    "process.rlimits[%zu]: set %s to %llu/%llu: the hard limit "
			    "%llu can't be raised without CAP_SYS_RESOURCE",
			    i, rlimit_name(l->resource), (unsigned long long)l->soft,
			    (unsigned long long)l->hard, (unsigned long long)cur.rlim_max);
		return isola_err(err, ISOLA_ERR_SYSTEM, e,
				 "process.rlimits[%zu]: set %s to %llu/%llu", i,
				 rlimit_name(l->resource), (unsigned long long)l->soft,
				 (unsigned long long)l->hard);
	}
	return 0;
}

struct sched_attr_v1 {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static int apply_sched(const struct isola_process *p, struct isola_error *err)
{
	if (p->has_io_priority) {
		int prio = (p->io_priority_class << 13) | p->io_priority;
		if (sys_ioprio_set(1 /* IOPRIO_WHO_PROCESS */, 0, prio) < 0)
			return isola_err_sys(err, "process.ioPriority: ioprio_set");
	}
	if (p->has_scheduler) {
		const struct isola_scheduler *s = &p->scheduler;
		struct sched_attr_v1 a = {.size = sizeof(a),
					  .sched_policy = (uint32_t)s->policy,
					  .sched_flags = s->flags,
					  .sched_nice = s->nice,
					  .sched_priority = (uint32_t)s->priority,
					  .sched_runtime = s->runtime,
					  .sched_deadline = s->deadline,
					  .sched_period = s->period};
		if (sys_sched_setattr(0, &a, 0) < 0)
			return isola_err_sys(err, "process.scheduler: sched_setattr");
	}
	return 0;
}

int isola_process_limits(const struct isola_process *p, struct isola_error *err)
{
	if (apply_rlimits(p, err) < 0)
		return -1;
	return apply_sched(p, err);
}

int isola_process_oom_score_adj(pid_t pid, const struct isola_process *p, struct isola_error *err)
{
	if (!p->has_oom_score_adj)
		return 0;
	char path[64], buf[16];
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	int n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
	if (isola_write_file_at(AT_FDCWD, path, buf, (size_t)n, err) < 0)
		return isola_err_prefix(err, "process.oomScoreAdj");
	return 0;
}

static bool kept(unsigned int fd, const int *keep, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (keep[i] >= 0 && (unsigned int)keep[i] == fd)
			return true;
	return false;
}

/*
 * What close_range does, one fd at a time: for kernels before 5.9 (5.11 for
 * CLOSE_RANGE_CLOEXEC) and for seccomp profiles older than close_range,
 * which refuse it with their default errno.
 */
static int walk_fds(unsigned int first, const int *keep, size_t n, bool cloexec,
		    struct isola_error *err)
{
	int dfd = isola_procfs_open("/proc", "self/fd", O_RDONLY | O_DIRECTORY, err);
	cleanup_closedir DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return dfd < 0 ? isola_err_prefix(err, "close inherited fds")
			       : isola_err_sys(err, "close inherited fds");
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		unsigned long long fd;
		if (isola_parse_u64(de->d_name, &fd) < 0 || fd < first || fd == (unsigned)dfd ||
		    kept((unsigned int)fd, keep, n))
			continue;
		if (cloexec)
			fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		else
			close((int)fd);
	}
	return 0;
}

int isola_close_fds_except(unsigned int first, const int *keep, size_t n, struct isola_error *err)
{
	/* Close [first, ∞) minus the kept fds, one close_range per gap. */
	unsigned int from = first;
	for (;;) {
		unsigned int next = ~0U;
		for (size_t i = 0; i < n; i++)
			if (keep[i] >= 0 && (unsigned)keep[i] >= from && (unsigned)keep[i] < next)
				next = (unsigned)keep[i];
		if (next > from && sys_close_range(from, next - 1, 0) < 0)
			return walk_fds(first, keep, n, false, err);
		if (next == ~0U)
			return 0;
		from = next + 1;
	}
}

static int cloexec_fds(unsigned int first, struct isola_error *err)
{
	if (sys_close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return walk_fds(first, NULL, 0, true, err);
}

static int switch_user(const struct isola_process *p, struct isola_error *err)
{
	const struct isola_user *u = &p->user;
	bool leaving_root = u->uid != 0;
	if (p->has_caps && isola_caps_prepare(&p->caps, leaving_root, err) < 0)
		return -1;
	/* setgroups may be denied in a user namespace set up without privilege. */
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
	    !(errno == EPERM && u->n_additional_gids == 0))
		return isola_err_sys(err, "process.user.additionalGids: setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return isola_err_sys(err, "process.user.gid: setgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return isola_err_sys(err, "process.user.uid: setuid %u", (unsigned)u->uid);
	if (p->has_caps && isola_caps_apply(&p->caps, leaving_root, err) < 0)
		return -1;
	return 0;
}

static int verify_cwd(const struct isola_process *p, struct isola_error *err)
{
	/* A cwd reached through a leaked fd lies outside our root (CVE-2024-21626). */
	char buf[4096];
	if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "process.cwd: \"%s\" is outside the container",
				 p->cwd ? p->cwd : "/");
	return 0;
}

static int chdir_failed(const struct isola_process *p, struct isola_error *err)
{
	return isola_err_sys(err, "process.cwd: chdir to cwd (\"%s\") set in config.json failed",
			     p->cwd ? p->cwd : "/");
}

/*
 * As root, so a process whose uid can't search its cwd (exec --user 1000
 * --cwd /root) still starts there, as with runc. Root can be refused too
 * (a directory of an unmapped owner in a user namespace, root_squash NFS)
 * where the process's own uid is let in: then again after the switch.
 */
static int enter_cwd(const struct isola_process *p, struct isola_launch *l, struct isola_error *err)
{
	if (chdir(p->cwd ? p->cwd : "/") == 0)
		return verify_cwd(p, err);
	if ((errno == EACCES || errno == EPERM) && p->user.uid != 0) {
		l->cwd_again = true;
		return 0;
	}
	return chdir_failed(p, err);
}

static int add_home(const struct isola_process *p, int rootfd, struct isola_launch *l,
		    struct isola_error *err)
{
	size_t n = isola_strv_len(p->env);
	for (size_t i = 0; i < n; i++)
		if (strncmp(p->env[i], "HOME=", 5) == 0)
			return 0;
	if (!(l->home = isola_passwd_home_env(rootfd, p->user.uid, err)))
		return -1;
	if (!(l->env = calloc(n + 2, sizeof(char *))))
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "process.env");
	if (n) /* p->env may be NULL: memcpy from NULL is undefined even for 0 bytes */
		memcpy(l->env, p->env, n * sizeof(char *));
	l->env[n] = l->home;
	return 0;
}

static const char *env_path(char *const *env)
{
	for (char *const *e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Go's (so runc's) errno wording: "no such file or directory"; engines match on it. */
static const char *errno_text(int e)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/*
 * Whether the process's ids may execute the file: the lookup runs as root,
 * before the user switch and the seccomp filter, so it can't ask access(2).
 * The kernel's rule: owner bits for the owner, else group bits for a
 * member, else the others' bits; root needs any x bit.
 */
static bool may_exec(const struct stat *st, const struct isola_user *u)
{
	if (!S_ISREG(st->st_mode))
		return false;
	if (u->uid == 0)
		return st->st_mode & 0111;
	if (st->st_uid == u->uid)
		return st->st_mode & 0100;
	bool member = st->st_gid == u->gid;
	for (size_t i = 0; !member && i < u->n_additional_gids; i++)
		member = st->st_gid == u->additional_gids[i];
	return st->st_mode & (member ? 0010 : 0001);
}

static int check_exe(const struct isola_process *p, const char *path, struct isola_error *err)
{
	const char *arg = p->args[0];
	struct stat st;
	if (stat(path, &st) < 0)
		return isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "exec: \"%s\": stat %s: %s", arg,
				 path, errno_text(errno));
	if (!may_exec(&st, &p->user))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "exec: \"%s\": permission denied", arg);
	return 0;
}

static char *lookup_exe(const struct isola_process *p, struct isola_error *err)
{
	const char *arg = p->args[0];
	if (strchr(arg, '/'))
		return check_exe(p, arg, err) < 0 ? NULL : strdup(arg);
	const char *dirs = env_path(p->env);
	char cand[4096];
	while (*dirs) {
		size_t n = strcspn(dirs, ":");
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, n ? dirs : ".", arg);
		struct stat st;
		if (stat(cand, &st) == 0 && may_exec(&st, &p->user))
			return strdup(cand);
		dirs += n + (dirs[n] == ':');
	}
	isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "exec: \"%s\": executable file not found in $PATH",
		  arg);
	return NULL;
}

int isola_process_prepare(const struct isola_process *p, int rootfd, unsigned int preserve_fds,
			  struct isola_launch *l, struct isola_error *err)
{
	if (enter_cwd(p, l, err) < 0 || add_home(p, rootfd, l, err) < 0)
		return -1;
	if (!l->cwd_again && !(l->exe = lookup_exe(p, err)))
		return -1;
	umask(p->user.has_umask ? p->user.umask : 0022);
	/* No host fd may survive into the container (CVE-2024-21626). */
	return cloexec_fds(3 + preserve_fds, err);
}

static int load_seccomp(const struct isola_seccomp *seccomp, int *notify_fd,
			struct isola_error *err)
{
	if (seccomp && isola_seccomp_load(seccomp, notify_fd, err) < 0)
		return isola_err_prefix(err, "linux.seccomp");
	return 0;
}

/* The rare cwd root could not enter: after the switch, under the filter without nnp. */
static int enter_cwd_again(const struct isola_process *p, struct isola_launch *l,
			   struct isola_error *err)
{
	if (chdir(p->cwd) < 0)
		return chdir_failed(p, err);
	if (verify_cwd(p, err) < 0)
		return -1;
	l->exe = lookup_exe(p, err);
	return l->exe ? 0 : -1;
}

int isola_process_seal(const struct isola_process *p, const struct isola_seccomp *seccomp,
		       struct isola_launch *l, int *notify_fd, struct isola_error *err)
{
	*notify_fd = -1;
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return isola_err_sys(err, "set no_new_privs");
	if (isola_lsm_set_exec_label(p->apparmor_profile, p->selinux_label, err) < 0)
		return -1;
	/*
	 * Without no_new_privs the kernel wants CAP_SYS_ADMIN to load a filter:
	 * load it before the user switch drops it (runc's order); with it, last.
	 */
	if ((!p->no_new_privileges && load_seccomp(seccomp, notify_fd, err) < 0) ||
	    switch_user(p, err) < 0 || (l->cwd_again && enter_cwd_again(p, l, err) < 0) ||
	    (p->no_new_privileges && load_seccomp(seccomp, notify_fd, err) < 0)) {
		if (*notify_fd >= 0)
			close(*notify_fd);
		*notify_fd = -1;
		return -1;
	}
	return 0;
}

int isola_process_exec(const struct isola_process *p, const struct isola_launch *l,
		       struct isola_error *err)
{
	static char *const empty_env[] = {NULL};
	execve(l->exe, p->args, l->env ? l->env : p->env ? p->env : empty_env);
	if (errno == EACCES)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "exec: \"%s\": permission denied",
				 p->args[0]);
	return isola_err(err, ISOLA_ERR_SYSTEM, 0, "exec: \"%s\": %s", p->args[0],
			 errno_text(errno));
}

void isola_launch_release(struct isola_launch *l)
{
	free(l->exe);
	free(l->env);
	free(l->home);
	*l = (struct isola_launch){0};
}

static int write_sysctl(const char *key, const char *value, struct isola_error *err)
{
	char path[512] = "sys/";
	size_t off = strlen(path);
	for (const char *k = key; *k && off < sizeof(path) - 1; k++)
		path[off++] = *k == '.' ? '/' : *k;
	path[off] = '\0';
	/* Only a real procfs, no symlink, no file mounted over it (CVE-2019-16884, -52881). */
	cleanup_close int fd = isola_procfs_open("/proc", path, O_WRONLY, err);
	if (fd < 0)
		return isola_err_prefix(err, "linux.sysctl");
	if (isola_write_all(fd, value, strlen(value)) < 0)
		return isola_err_sys(err, "linux.sysctl: write %s", key);
	return 0;
}

int isola_container_identity(const struct isola_config *c, struct isola_error *err)
{
	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return isola_err_sys(err, "hostname: sethostname");
	if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
		return isola_err_sys(err, "domainname: setdomainname");
	for (size_t i = 0; i < c->n_sysctl; i++)
		if (write_sysctl(c->sysctl[i].key, c->sysctl[i].value, err) < 0)
			return -1;
	if (c->has_personality && personality(c->personality) < 0)
		return isola_err_sys(err, "linux.personality");
	return 0;
}
