/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>

#include "core/cleanup.h"
#include "manager/internal.h"
#include "runtime/state.h"
#include "storage/storage.h"

/*
 * Files in and out of a container's root: cp, export. Every read or write
 * inside the container's tree happens in a child chrooted into that tree,
 * so a symlink planted by the container (/etc -> /host/etc, the docker cp
 * CVEs) resolves inside it, never on the host. The child and the caller
 * talk tar over a pipe. A running container's root is /proc/PID/root; a
 * stopped one's is mounted in a mount namespace of the child's own.
 */

/* Tar path (relative to cwd) into out, entries named "<as>/..."; a symlink is not followed. */
int isola_tar_write(const char *path, const char *as, int out, struct isola_error *err)
{
	struct archive *disk = archive_read_disk_new(), *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int r = 0, st;
	archive_read_disk_set_symlink_physical(disk);
	archive_read_disk_set_standard_lookup(disk);
	archive_write_set_format_pax_restricted(a);
	if (archive_read_disk_open(disk, path) != ARCHIVE_OK) {
		r = isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "%s", archive_error_string(disk));
		goto out;
	}
	archive_write_open_fd(a, out);
	size_t plen = strlen(path);
	while (r == 0 && (st = archive_read_next_header2(disk, e)) != ARCHIVE_EOF) {
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "%s", archive_error_string(disk));
			break;
		}
		archive_read_disk_descend(disk);
		char name[8192];
		const char *p = archive_entry_pathname(e);
		snprintf(name, sizeof(name), "%s%s", as, p + (strlen(p) >= plen ? plen : 0));
		archive_entry_set_pathname(e, name);
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "%s", archive_error_string(a));
			break;
		}
		char buf[65536];
		la_ssize_t n;
		while (archive_entry_filetype(e) == AE_IFREG &&
		       (n = archive_read_data(disk, buf, sizeof(buf))) > 0)
			archive_write_data(a, buf, (size_t)n);
	}
	archive_write_close(a);
out:
	archive_entry_free(e);
	archive_read_free(disk);
	archive_write_free(a);
	return r;
}

/* Extract the tar on in below cwd; a top entry named from is renamed to. Never follows links. */
int isola_tar_extract(int in, const char *from, const char *to, struct isola_error *err)
{
	struct archive *a = archive_read_new(), *disk = archive_write_disk_new();
	struct archive_entry *e;
	int r = 0, st;
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	archive_write_disk_set_options(
	    disk, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
		      ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
		      ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (archive_read_open_fd(a, in, 65536) != ARCHIVE_OK)
		r = isola_err(err, ISOLA_ERR_INVALID, 0, "read tar: %s", archive_error_string(a));
	size_t flen = from ? strlen(from) : 0;
	while (r == 0 && (st = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (st != ARCHIVE_OK && st != ARCHIVE_WARN) {
			r = isola_err(err, ISOLA_ERR_INVALID, 0, "read tar: %s",
				      archive_error_string(a));
			break;
		}
		const char *p = archive_entry_pathname(e);
		if (from && to && !strncmp(p, from, flen) && (p[flen] == '/' || !p[flen])) {
			char name[8192];
			snprintf(name, sizeof(name), "%s%s", to, p + flen);
			archive_entry_set_pathname(e, name);
		}
		if (archive_read_extract2(a, e, disk) != ARCHIVE_OK)
			r = isola_err(err, ISOLA_ERR_SYSTEM, 0, "extract \"%s\": %s",
				      archive_entry_pathname(e), archive_error_string(disk));
	}
	archive_read_free(a);
	archive_write_free(disk);
	return r;
}

/*
 * A running container with a user namespace of its own: its root is
 * idmapped, and host root is not in its mapping, so what we would write
 * there fails (EOVERFLOW) and what we read shows the host's ids. As the
 * container's root we read and write its own ids. (A stopped one's root is
 * mounted without the idmap: its files are stored with the container's ids.)
 */
static int userns_of(pid_t pid, struct isola_error *err)
{
	char path[64];
	struct stat ours, theirs;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &theirs) < 0 || stat("/proc/self/ns/user", &ours) < 0)
		return isola_err_sys(err, "open \"%s\"", path);
	if (ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev) {
		close(fd);
		return -2;
	}
	return fd;
}

/* After the chroot: /proc is the container's then, so the fd was opened before. */
static int join_userns(int fd, struct isola_error *err)
{
	if (setns(fd, CLONE_NEWUSER) < 0)
		return isola_err_sys(err, "join the container's user namespace");
	(void)setgroups(0, NULL); /* refused when the namespace denies setgroups: none to drop */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return isola_err_sys(err, "become the container's root");
	return 0;
}

/* The child's way into the container's tree: chroot there (mounting it first when stopped). */
static int enter_root(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	struct isola_state *s = isola_state_load(m->rt_root, id, NULL);
	enum isola_status st = s ? isola_state_status(s) : ISOLA_STATUS_STOPPED;
	char root[4096];
	cleanup_close int userns = -1;
	if (st == ISOLA_STATUS_RUNNING || st == ISOLA_STATUS_PAUSED) {
		snprintf(root, sizeof(root), "/proc/%d/root", (int)s->pid);
		if ((userns = userns_of(s->pid, err)) == -1) {
			isola_state_free(s);
			return -1;
		}
	} else {
		mgr_path(m, id, "bundle/rootfs", root, sizeof(root));
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    isola_rootfs_mount(m->store, id, root, err) < 0) {
			isola_state_free(s);
			return err->msg[0] ? -1 : isola_err_sys(err, "mount the container's root");
		}
	}
	isola_state_free(s);
	if (chdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return isola_err_sys(err, "enter the container's root");
	return userns >= 0 ? join_userns(userns, err) : 0;
}

struct child_job {
	const char *path, *as, *from, *to;
	bool out; /* tar out of the container, else into it */
};

static pid_t spawn_child(struct isola_mgr *m, const char *id, const struct child_job *j, int fd,
			 int errfd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	struct isola_error err = {0};
	int r = enter_root(m, id, &err);
	if (r == 0 && j->out) {
		char *copy = strdup(j->path), *dir = dirname(copy);
		r = chdir(dir) < 0 ? isola_err_sys(&err, "%s", j->path) : 0;
		char *base = strdup(j->path);
		if (r == 0)
			r = isola_tar_write(strcmp(j->path, "/") ? basename(base) : ".", j->as, fd,
					    &err);
	} else if (r == 0) {
		r = chdir(j->path) < 0 ? isola_err_sys(&err, "\"%s\" in the container", j->path)
				       : isola_tar_extract(fd, j->from, j->to, &err);
	}
	if (r < 0)
		(void)!write(errfd, err.msg, strlen(err.msg));
	_exit(r < 0 ? 1 : 0);
}

static int finish_child(pid_t pid, int errfd, struct isola_error *err)
{
	char msg[1024];
	ssize_t n = read(errfd, msg, sizeof(msg) - 1);
	close(errfd);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n > 0) {
		msg[n] = 0;
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s", msg);
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0
		   ? 0
		   : isola_err(err, ISOLA_ERR_SYSTEM, 0, "copy failed");
}

/* Run job in a chrooted child; fd is the tar's far end. */
static int run_child(struct isola_mgr *m, const char *id, const struct child_job *j, int fd,
		     struct isola_error *err)
{
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	pid_t pid = spawn_child(m, id, j, fd, ep[1]);
	close(ep[1]);
	if (pid < 0) {
		close(ep[0]);
		return isola_err_sys(err, "fork");
	}
	return finish_child(pid, ep[0], err);
}

int isola_ctr_tar_out(struct isola_mgr *m, const char *id, const char *path, const char *as, int fd,
		      struct isola_error *err)
{
	struct child_job j = {.path = path, .as = as, .out = true};
	return run_child(m, id, &j, fd, err);
}

int isola_ctr_tar_in(struct isola_mgr *m, const char *id, const char *dir, const char *from,
		     const char *to, int fd, struct isola_error *err)
{
	struct child_job j = {.path = dir, .from = from, .to = to, .out = false};
	return run_child(m, id, &j, fd, err);
}
