/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * AppArmor profile and SELinux label for the next execve. Both are a write
 * to a procfs attr file, done inside the container after pivot_root, where
 * /proc is whatever the container's mounts made it. A fake /proc (a tmpfs
 * with the right file names, CVE-2019-16884) or a bind mount over the attr
 * file (redirecting the write to e.g. /proc/sys/kernel/core_pattern,
 * CVE-2025-52881) would silently leave the process unconfined or write
 * somewhere on the host, so the path is resolved with openat2 from a
 * verified procfs root, never across a mount or through a symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "linux/lsm.h"

/* The inode number procfs gives its root directory. */
#define PROC_ROOT_INO 1

static int openat2_strict(int dirfd, const char *path, int flags)
{
	return isola_openat2(dirfd, path, flags, 0,
			     RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
				 RESOLVE_NO_XDEV);
}

static bool is_procfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static int open_proc_root(const char *proc_dir, struct isola_error *err)
{
	cleanup_close int fd = open(proc_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", proc_dir);
	if (!is_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "\"%s\" is not the root of a procfs mount", proc_dir);
	return steal_fd(fd);
}

/* self and thread-self are symlinks: read them and accept only "<pid>[/task/<tid>]". */
static int resolve_self(int procfd, const char *link, char *buf, size_t len,
			struct isola_error *err)
{
	ssize_t n = readlinkat(procfd, link, buf, len - 1);
	unsigned long pid, tid;
	int used = 0;
	bool ok;

	if (n < 0)
		return isola_err_sys(err, "readlink \"%s\" in procfs", link);
	buf[n] = '\0';
	if (strcmp(link, "self") == 0)
		ok = sscanf(buf, "%lu%n", &pid, &used) == 1 && used == n;
	else
		ok = sscanf(buf, "%lu/task/%lu%n", &pid, &tid, &used) == 2 && used == n;
	if (!ok)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "procfs %s is \"%s\"", link, buf);
	return 0;
}

int isola_procfs_open(const char *proc_dir, const char *path, int flags, struct isola_error *err)
{
	cleanup_close int procfd = open_proc_root(proc_dir, err);
	cleanup_close int fd = -1;
	const char *rest = path;
	char dir[64] = "", full[4096];

	if (procfd < 0)
		return -1;
	if (strncmp(path, "self/", 5) == 0 || strncmp(path, "thread-self/", 12) == 0) {
		size_t skip = path[0] == 's' ? 5 : 12;
		char link[16];

		snprintf(link, sizeof(link), "%.*s", (int)skip - 1, path);
		if (resolve_self(procfd, link, dir, sizeof(dir), err) < 0)
			return -1;
		rest = path + skip;
	}
	snprintf(full, sizeof(full), "%s%s%s", dir, *dir ? "/" : "", rest);
	fd = openat2_strict(procfd, full, flags);
	if (fd < 0 && errno == EXDEV)
		return isola_err(err, ISOLA_ERR_INVALID, EXDEV,
				 "\"%s/%s\": a mount covers the path", proc_dir, full);
	if (fd < 0)
		return isola_err_sys(err, "open \"%s/%s\"", proc_dir, full);
	if (!is_procfs(fd))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "\"%s/%s\" is not on procfs", proc_dir,
				 full);
	return steal_fd(fd);
}

int isola_lsm_open_attr(const char *proc_dir, const char *name, struct isola_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "thread-self/attr/%s", name);
	return isola_procfs_open(proc_dir, path, O_WRONLY, err);
}

static int write_attr(const char *name, const char *value, struct isola_error *err)
{
	cleanup_close int fd = isola_lsm_open_attr("/proc", name, err);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return isola_err_sys(err, "write \"%s\" to attr/%s", value, name);
	if ((size_t)n != len)
		return isola_err(err, ISOLA_ERR_SYSTEM, EIO, "short write to attr/%s", name);
	return 0;
}

static int set_apparmor(const char *profile, struct isola_error *err)
{
	struct isola_error first = {0};
	cleanup_free char *cmd = NULL;

	/* No AppArmor on the host: runc ignores the profile too. */
	if (!isola_lsm_apparmor_enabled())
		return 0;
	if (asprintf(&cmd, "exec %s", profile) < 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "apparmor profile");
	/* attr/apparmor/exec since Linux 5.8, when several LSMs stack; attr/exec before. */
	if (write_attr("apparmor/exec", cmd, &first) == 0)
		return 0;
	if (first.errnum != ENOENT) {
		*err = first;
		return isola_err_prefix(err, "apparmor profile \"%s\"", profile);
	}
	if (write_attr("exec", cmd, err) < 0)
		return isola_err_prefix(err, "apparmor profile \"%s\"", profile);
	return 0;
}

static int set_selinux(const char *label, struct isola_error *err)
{
	if (!isola_lsm_selinux_enabled())
		return isola_err(err, ISOLA_ERR_UNSUPPORTED, 0,
				 "selinux label \"%s\": selinux is not enabled on this host",
				 label);
	if (write_attr("exec", label, err) < 0)
		return isola_err_prefix(err, "selinux label \"%s\"", label);
	return 0;
}

int isola_lsm_set_exec_label(const char *apparmor_profile, const char *selinux_label,
			     struct isola_error *err)
{
	if (apparmor_profile && *apparmor_profile && set_apparmor(apparmor_profile, err) < 0)
		return -1;
	if (selinux_label && *selinux_label && set_selinux(selinux_label, err) < 0)
		return -1;
	return 0;
}

bool isola_lsm_apparmor_enabled(void)
{
	cleanup_close int fd =
	    open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
	char c = 0;

	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool isola_lsm_selinux_enabled(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

int isola_lsm_mount_data(const char *data, const char *label, char **out, struct isola_error *err)
{
	int n;

	*out = NULL;
	if (!label || !*label || !isola_lsm_selinux_enabled()) {
		if (data && !(*out = strdup(data)))
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "mount data");
		return 0;
	}
	if (data && *data)
		n = asprintf(out, "%s,context=\"%s\"", data, label);
	else
		n = asprintf(out, "context=\"%s\"", label);
	if (n < 0) {
		*out = NULL;
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "mount data");
	}
	return 0;
}
