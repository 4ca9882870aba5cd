/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LSM attr files are only reached through a real procfs: fake /proc,
 * mounts over attr files and symlinked /proc are refused. The mount games
 * happen in forked children with a private mount namespace, so nothing
 * reaches the host's mount table.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "linux/lsm.h"
#include "tap.h"

TEST(real_proc_attr_opens)
{
	struct isola_error err = {0};
	int fd = isola_lsm_open_attr("/proc", "exec", &err);
	struct statfs sfs;

	CHECK(fd >= 0);
	if (fd < 0) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

/* Run fn in a child with a private mount namespace; its exit code is the result. */
static int in_private_ns(int (*fn)(const char *dir, char *msg), const char *dir, char *msg,
			 size_t msglen)
{
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char m[512] = {0};
		int rc;

		alarm(10);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(99);
		rc = fn(dir, m);
		if (write(fds[1], m, strlen(m)) < 0)
			rc = 98;
		_exit(rc);
	}
	close(fds[1]);
	n = read(fds[0], msg, msglen - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* 0 when open_attr refused dir, with the message in msg. */
static int expect_refused(const char *dir, char *msg)
{
	struct isola_error err = {0};
	int fd = isola_lsm_open_attr(dir, "exec", &err);

	snprintf(msg, 512, "%s", err.msg);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return 0;
}

static int fake_tmpfs_proc(const char *dir, char *msg)
{
	char p[256];

	if (mount("isolatest", dir, "tmpfs", 0, "mode=755") < 0)
		return 90;
	snprintf(p, sizeof(p), "%s/1/task/1/attr", dir);
	for (char *s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	strcat(p, "/exec");
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	snprintf(p, sizeof(p), "%s/thread-self", dir);
	if (symlink("1/task/1", p) < 0)
		return 91;
	return expect_refused(dir, msg);
}

static int make_tmpdir(char *dir)
{
	strcpy(dir, "/tmp/isolatest-lsm-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

TEST(fake_proc_on_tmpfs_is_refused)
{
	char dir[64], msg[512];

	CHECK(make_tmpdir(dir) == 0);
	CHECK(in_private_ns(fake_tmpfs_proc, dir, msg, sizeof(msg)) == 0);
	CHECK_CONTAINS(msg, "is not the root of a procfs mount");
	rmdir(dir);
}

/* A real procfs at dir, with something mounted over this thread's attr/exec. */
static int covered_attr(const char *dir, char *msg, const char *src, unsigned long flags,
			const char *fstype)
{
	char link[64], target[256];
	ssize_t n;

	if (mount("proc", dir, "proc", 0, NULL) < 0)
		return 90;
	snprintf(target, sizeof(target), "%s/thread-self", dir);
	n = readlink(target, link, sizeof(link) - 1);
	if (n < 0)
		return 91;
	link[n] = '\0';
	snprintf(target, sizeof(target), "%s/%s/attr/exec", dir, link);
	if (mount(src, target, fstype, flags, NULL) < 0)
		return 92;
	return expect_refused(dir, msg);
}

/* CVE-2025-52881 class: the write would land in another procfs file. */
static int bind_over_attr(const char *dir, char *msg)
{
	if (unshare(CLONE_NEWUTS) < 0) /* even a wrong write could only hit a private hostname */
		return 93;
	return covered_attr(dir, msg, "/proc/sys/kernel/hostname", MS_BIND, NULL);
}

TEST(bind_mount_over_attr_is_refused)
{
	char dir[64], msg[512];

	CHECK(make_tmpdir(dir) == 0);
	CHECK(in_private_ns(bind_over_attr, dir, msg, sizeof(msg)) == 0);
	CHECK_CONTAINS(msg, "a mount covers the path");
	rmdir(dir);
}

static int proc_itself(const char *dir, char *msg)
{
	struct isola_error err = {0};
	int fd;

	if (mount("proc", dir, "proc", 0, NULL) < 0)
		return 90;
	fd = isola_lsm_open_attr(dir, "exec", &err);
	snprintf(msg, 512, "%s", err.msg);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

TEST(fresh_procfs_elsewhere_is_accepted)
{
	char dir[64], msg[512];

	CHECK(make_tmpdir(dir) == 0);
	CHECK(in_private_ns(proc_itself, dir, msg, sizeof(msg)) == 0);
	rmdir(dir);
}

static int proc_subdir(const char *dir, char *msg)
{
	return expect_refused("/proc/sys", msg);
}

TEST(proc_subdirectory_is_refused)
{
	char msg[512];

	CHECK(in_private_ns(proc_subdir, "/", msg, sizeof(msg)) == 0);
	CHECK_CONTAINS(msg, "is not the root of a procfs mount");
}

TEST(symlinked_proc_is_refused)
{
	char dir[64], link[96], msg[512];

	CHECK(make_tmpdir(dir) == 0);
	snprintf(link, sizeof(link), "%s/proc", dir);
	CHECK(symlink("/proc", link) == 0);
	CHECK(expect_refused(link, msg) == 0);
	CHECK_CONTAINS(msg, "open");
	unlink(link);
	rmdir(dir);
}

TEST(no_label_is_a_noop)
{
	struct isola_error err = {0};

	CHECK(isola_lsm_set_exec_label(NULL, NULL, &err) == 0);
	CHECK(isola_lsm_set_exec_label("", "", &err) == 0);
}

TEST(selinux_label_without_selinux_fails)
{
	struct isola_error err = {0};

	if (isola_lsm_selinux_enabled()) {
		printf("# selinux enabled here: nothing to check\n");
		return;
	}
	CHECK(isola_lsm_set_exec_label(NULL, "system_u:system_r:container_t:s0", &err) < 0);
	CHECK(err.kind == ISOLA_ERR_UNSUPPORTED);
	CHECK_CONTAINS(err.msg, "selinux is not enabled");
}

TEST(apparmor_profile_without_apparmor_is_ignored)
{
	struct isola_error err = {0};

	if (isola_lsm_apparmor_enabled()) {
		printf("# apparmor enabled here: nothing to check\n");
		return;
	}
	CHECK(isola_lsm_set_exec_label("isolatest-profile", NULL, &err) == 0);
}

TEST(mount_data_without_selinux_is_a_copy)
{
	struct isola_error err = {0};
	char *out = NULL;

	if (isola_lsm_selinux_enabled())
		return;
	CHECK(isola_lsm_mount_data("mode=755", "system_u:object_r:container_file_t:s0", &out,
				   &err) == 0);
	CHECK_STR(out, "mode=755");
	free(out);
	CHECK(isola_lsm_mount_data(NULL, NULL, &out, &err) == 0);
	CHECK(out == NULL);
}

TEST(procfs_open_self_and_sys)
{
	struct isola_error err = {0};
	int fd = isola_procfs_open("/proc", "self/oom_score_adj", O_WRONLY, &err);

	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = isola_procfs_open("/proc", "sys/kernel/domainname", O_RDONLY, &err);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(isola_procfs_open("/proc", "self/../../etc/passwd", O_RDONLY, &err) < 0);
	CHECK(isola_procfs_open("/proc", "mounts", O_RDONLY, &err) < 0); /* a symlink */
}

static int bind_over_sysctl(const char *dir, char *msg)
{
	struct isola_error err = {0};
	char target[256];
	int fd;

	if (unshare(CLONE_NEWUTS) < 0)
		return 93;
	if (mount("proc", dir, "proc", 0, NULL) < 0)
		return 90;
	snprintf(target, sizeof(target), "%s/sys/kernel/domainname", dir);
	if (mount("/proc/sys/kernel/hostname", target, NULL, MS_BIND, NULL) < 0)
		return 92;
	fd = isola_procfs_open(dir, "sys/kernel/domainname", O_WRONLY, &err);
	snprintf(msg, 512, "%s", err.msg);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return 0;
}

TEST(procfs_open_refuses_bind_over_sysctl)
{
	char dir[64], msg[512];

	CHECK(make_tmpdir(dir) == 0);
	CHECK(in_private_ns(bind_over_sysctl, dir, msg, sizeof(msg)) == 0);
	CHECK_CONTAINS(msg, "a mount covers the path");
	rmdir(dir);
}

int main(void)
{
	return tap_run();
}
