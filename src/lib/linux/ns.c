/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/util.h"
#include "linux/ns.h"

int isola_ns_new_flags(const struct isola_config *c)
{
	int flags = 0;
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (!c->namespaces[i].path)
			flags |= c->namespaces[i].type;
	return flags;
}

/* Whether fd is the namespace of this type we are in already. */
static bool already_in(int fd, int type)
{
	static const struct {
		int type;
		const char *name;
	} names[] = {{CLONE_NEWNET, "net"},
		     {CLONE_NEWIPC, "ipc"},
		     {CLONE_NEWUTS, "uts"},
		     {CLONE_NEWNS, "mnt"},
		     {CLONE_NEWCGROUP, "cgroup"},
		     {CLONE_NEWUSER, "user"},
		     {CLONE_NEWPID, "pid_for_children"},
		     {CLONE_NEWTIME, "time_for_children"}};
	struct stat a, b;
	char path[64];
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (names[i].type != type)
			continue;
		snprintf(path, sizeof(path), "/proc/thread-self/ns/%s", names[i].name);
		return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		       a.st_dev == b.st_dev;
	}
	return false;
}

/*
 * The user namespace must be joined first: the others are owned by it.
 * setns into the namespace we are in is a no-op, but in a new user
 * namespace the kernel still refuses it (EPERM) for one owned by the
 * host's: a manager that creates the container from inside the network
 * namespace it names ("/proc/self/ns/net", isola's with --userns) hits that.
 */
static int join_one(const struct isola_namespace *ns, struct isola_error *err)
{
	cleanup_close int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open %s namespace \"%s\"",
				     isola_namespace_name(ns->type), ns->path);
	if (setns(fd, ns->type) < 0 && !(errno == EPERM && already_in(fd, ns->type)))
		return isola_err_sys(err, "join %s namespace \"%s\"",
				     isola_namespace_name(ns->type), ns->path);
	return 0;
}

int isola_ns_join_paths(const struct isola_config *c, int mask, struct isola_error *err)
{
	const struct isola_namespace *user = isola_config_namespace(c, CLONE_NEWUSER);
	if (user && user->path && (mask & CLONE_NEWUSER) && join_one(user, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_namespaces; i++) {
		const struct isola_namespace *ns = &c->namespaces[i];
		if (!ns->path || ns->type == CLONE_NEWUSER || ns->type == CLONE_NEWNS ||
		    !(ns->type & mask))
			continue;
		if (join_one(ns, err) < 0)
			return -1;
	}
	/* Last: the other paths name files of the runtime's mount namespace, not of this one. */
	const struct isola_namespace *mnt = isola_config_namespace(c, CLONE_NEWNS);
	if (mnt && mnt->path && (mask & CLONE_NEWNS) && join_one(mnt, err) < 0)
		return -1;
	return 0;
}

int isola_ns_loopback_up(struct isola_error *err)
{
	/* A fresh lo has only IFF_LOOPBACK, which the kernel keeps: IFF_UP is all there is to set.
	 */
	struct ifreq ifr = {.ifr_name = "lo", .ifr_flags = IFF_UP};
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return isola_err_sys(err, "bring up lo in the new network namespace");
	return 0;
}

void isola_ns_pid_for_children_reset(void)
{
#ifdef __SANITIZE_ADDRESS__
	/* Our active pid namespace is always a valid setns target. */
	int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)setns(fd, CLONE_NEWPID);
		close(fd);
	}
#endif
}

char *isola_idmap_format(const struct isola_idmap *m, size_t n)
{
	size_t cap = n * 36 + 1;
	char *buf = malloc(cap), *p = buf;
	if (!buf)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += snprintf(p, cap - (size_t)(p - buf), "%u %u %u\n", m[i].container_id,
			      m[i].host_id, m[i].size);
	return buf;
}

static int write_map(pid_t pid, const char *file, const struct isola_idmap *m, size_t n,
		     struct isola_error *err)
{
	char path[64];
	cleanup_free char *text = isola_idmap_format(m, n);
	if (!text)
		return isola_err_sys(err, "alloc");
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (isola_write_file_at(AT_FDCWD, path, text, strlen(text), err) < 0)
		return isola_err_prefix(err, "write %s", file);
	return 0;
}

/* An unprivileged user may write one line mapping only its own id. */
static bool needs_helper(const struct isola_idmap *m, size_t n, unsigned int own)
{
	return n > 1 || (n == 1 && (m[0].host_id != own || m[0].size != 1));
}

/* newuidmap/newgidmap (Debian's uidmap) write ranges from /etc/subuid, /etc/subgid. */
static int run_map_helper(const char *helper, pid_t pid, const struct isola_idmap *m, size_t n,
			  struct isola_error *err)
{
	size_t argc = 2 + 3 * n + 1;
	cleanup_free char **argv = calloc(argc, sizeof(char *));
	cleanup_free char *nums = malloc(3 * n * 12 + 12);
	if (!argv || !nums)
		return isola_err_sys(err, "alloc");
	char *p = nums;
	argv[0] = (char *)helper;
	argv[1] = p;
	p += sprintf(p, "%d", (int)pid) + 1;
	for (size_t i = 0; i < n; i++) {
		const uint32_t v[3] = {m[i].container_id, m[i].host_id, m[i].size};
		for (int k = 0; k < 3; k++) {
			argv[2 + 3 * i + (size_t)k] = p;
			p += sprintf(p, "%u", v[k]) + 1;
		}
	}
	pid_t child = fork();
	if (child < 0)
		return isola_err_sys(err, "fork");
	if (child == 0) {
		execvp(helper, argv);
		_exit(127);
	}
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return isola_err_sys(err, "wait for %s", helper);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "rootless: mapping more than your own id needs %s "
				 "(apt-get install uidmap)",
				 helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0,
				 "rootless: %s failed (are the ranges in /etc/sub%cid?)", helper,
				 helper[3] == 'u' ? 'u' : 'g');
	return 0;
}

int isola_idmap_write(pid_t pid, const struct isola_config *c, struct isola_error *err)
{
	if (geteuid() != 0) {
		bool u = needs_helper(c->uid_mappings, c->n_uid_mappings, geteuid());
		bool g = needs_helper(c->gid_mappings, c->n_gid_mappings, getegid());
		if (u &&
		    run_map_helper("newuidmap", pid, c->uid_mappings, c->n_uid_mappings, err) < 0)
			return -1;
		if (g &&
		    run_map_helper("newgidmap", pid, c->gid_mappings, c->n_gid_mappings, err) < 0)
			return -1;
		if (u && g)
			return 0;
		if (u || g)
			return isola_idmap_write_plain(pid, c, !u, !g, err);
	}
	return isola_idmap_write_plain(pid, c, true, true, err);
}

int isola_idmap_write_plain(pid_t pid, const struct isola_config *c, bool uid, bool gid,
			    struct isola_error *err)
{
	/* Without CAP_SETGID in the parent namespace the kernel wants setgroups denied first. */
	if (geteuid() != 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		if (isola_write_file_at(AT_FDCWD, path, "deny", 4, err) < 0 && errno != ENOENT)
			return -1;
	}
	if (uid && c->n_uid_mappings &&
	    write_map(pid, "uid_map", c->uid_mappings, c->n_uid_mappings, err) < 0)
		return -1;
	if (gid && c->n_gid_mappings &&
	    write_map(pid, "gid_map", c->gid_mappings, c->n_gid_mappings, err) < 0)
		return -1;
	return 0;
}
