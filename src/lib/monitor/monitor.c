/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/util.h"
#include "manager/internal.h"
#include "monitor/internal.h"

/*
 * The monitor's life: spawn (double fork, setsid, a private mount namespace
 * for the container's root), then runs of the container until the restart
 * policy says stop, then teardown. It never prints: what went wrong before
 * the first start goes back to `isola start` over the report pipe, what goes
 * wrong later into the record's State.Error.
 */

void isola_monitor_report(int fd, const struct isola_error *err)
{
	if (fd < 0)
		return;
	int32_t kind = err ? err->kind ? err->kind : ISOLA_ERR_SYSTEM : 0;
	const char *msg = err ? err->msg : "";
	struct iovec iov[2] = {{&kind, sizeof(kind)}, {(void *)msg, strlen(msg)}};
	(void)!writev(fd, iov, 2);
	close(fd);
}

/* Our own namespace for the root mount: nothing of the container's is left on the host. */
static int private_mounts(struct isola_error *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return isola_err_sys(err, "monitor: unshare mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return isola_err_sys(err, "monitor: make / a slave mount");
	return 0;
}

static int listen_sock(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mgr_sock_path(m, id, sa.sun_path, sizeof(sa.sun_path));
	unlink(sa.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		isola_err_sys(err, "monitor: attach socket \"%s\"", sa.sun_path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int monitor_setup(struct mon *mo, int attach_fd, struct isola_error *err)
{
	setsid();
	prctl(PR_SET_NAME, "isola-monitor", 0, 0, 0); /* what ps and pgrep show */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd < 3; fd++)
		dup3(null, fd, 0);
	close(null);
	/* The CLI's shared store lock stays with the CLI: prune must not wait for us. */
	if (mo->m->store->lockfd >= 0) {
		close(mo->m->store->lockfd);
		mo->m->store->lockfd = -1;
	}
	for (int i = 0; i < MON_MAX_CLIENTS; i++)
		mo->clients[i] = -1;
	if (attach_fd >= 0)
		mo->clients[0] = attach_fd;
	if (private_mounts(err) < 0)
		return -1;
	mo->listen = listen_sock(mo->m, mo->id, err);
	if (mo->listen < 0)
		return -1;
	mo->sigfd = -1;
	return 0; /* MonitorPid goes into the record with the first start */
}

static void set_dead_error(struct json_object *st, struct json_object *rec, void *data)
{
	json_object_object_add(st, "Error", json_object_new_string((const char *)data));
	json_object_object_add(st, "Status", json_object_new_string("exited"));
	json_object_object_add(st, "ExitCode", json_object_new_int(125));
}

void isola_monitor_main(struct isola_mgr *m, const char *id, int attach_fd, int report_fd)
{
	struct mon mo = {.m = m, .report_fd = report_fd};
	snprintf(mo.id, sizeof(mo.id), "%s", id);
	struct isola_error err = {0};
	if (monitor_setup(&mo, attach_fd, &err) < 0) {
		isola_monitor_report(mo.report_fd, &err);
		_exit(1);
	}
	int code = mon_run_loop(&mo, &err);
	if (code < 0)
		mgr_update_state(m, id, set_dead_error, err.msg, NULL);
	mon_finish(&mo, code < 0 ? 125 : code);
	if (mo.report_fd >= 0)
		isola_monitor_report(mo.report_fd, code < 0 ? &err : NULL);
	_exit(0);
}

/*
 * isola-monitor with only the fds it is handed and the ISOLA_* knobs of the
 * environment, started by vfork: no copy of our page tables, no middle
 * process. It is our child only until we exit (the CLI does at once, or when
 * the container ends); then the subreaper or init adopts it, where a double
 * fork would have put it at once. It calls setsid() first thing.
 */
static pid_t spawn_monitor(struct isola_mgr *m, const char *id, int attach_fd, int report_fd)
{
	char afd[16], rfd[16];
	snprintf(afd, sizeof(afd), "%d", attach_fd);
	snprintf(rfd, sizeof(rfd), "%d", report_fd);
	char *argv[] = {(char *)"isola-monitor",
			m->store->root,
			m->run,
			(char *)id,
			afd,
			rfd,
			(char *)(m->init_path ? m->init_path : ""),
			(char *)(m->net_path ? m->net_path : ""),
			NULL};
	char *envp[16] = {
	    (char *)"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
	size_t n = 1;
	extern char **environ;
	for (char **e = environ; e && *e && n < 15; e++)
		if (!strncmp(*e, "ISOLA_", 6))
			envp[n++] = *e;
	envp[n] = NULL;
	const char *path = m->monitor_path;
	pid_t pid = vfork();
	if (pid == 0) {
		/* only syscalls here: we run on the parent's memory until the exec */
		if ((attach_fd < 0 || fcntl(attach_fd, F_SETFD, 0) == 0) &&
		    fcntl(report_fd, F_SETFD, 0) == 0)
			execve(path, argv, envp);
		_exit(127);
	}
	return pid;
}

static int read_report(int fd, struct isola_error *err)
{
	int32_t kind = ISOLA_ERR_SYSTEM;
	char msg[sizeof(err->msg)];
	struct iovec iov[2] = {{&kind, sizeof(kind)}, {msg, sizeof(msg) - 1}};
	ssize_t n;
	do
		n = readv(fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(kind))
		return isola_err(err, ISOLA_ERR_SYSTEM, 0,
				 "monitor exited before the container started");
	if (kind == 0)
		return 0;
	msg[n - (ssize_t)sizeof(kind)] = 0;
	return isola_err(err, kind, 0, "%s", msg);
}

/* No monitor program (a build without it): a double fork runs the monitor in a copy of us. */
static int fork_monitor(struct isola_mgr *m, const char *id, int attach_fd, int report_fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		pid_t mon = fork();
		if (mon == 0)
			isola_monitor_main(m, id, attach_fd, report_fd);
		_exit(mon < 0 ? 1 : 0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	return pid < 0 ? -1 : 0;
}

int isola_monitor_spawn(struct isola_mgr *m, const char *id, int attach_fd, struct isola_error *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	bool program = m->monitor_path && access(m->monitor_path, X_OK) == 0;
	int r =
	    program ? spawn_monitor(m, id, attach_fd, p[1]) : fork_monitor(m, id, attach_fd, p[1]);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return isola_err_sys(err, "fork monitor");
	}
	/* A monitor whose exec failed exits 127 without a word: read_report says so. */
	r = read_report(p[0], err);
	close(p[0]);
	return r;
}

int isola_monitor_connect(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mgr_sock_path(m, id, sa.sun_path, sizeof(sa.sun_path));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		isola_err_sys(err, "attach to container %.12s", id);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int isola_frame_send(int fd, int type, const void *buf, size_t len)
{
	struct isola_frame h = {.type = (uint8_t)type, .len = (uint32_t)len};
	struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)buf, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	size_t want = sizeof(h) + len;
	ssize_t n;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)want)
		return 0;
	if (n < 0)
		return -1;
	/* A short write on a stream socket: finish it blocking (clients are few and local). */
	const char *rest = (const char *)buf + (n - (ssize_t)sizeof(h));
	if (n < (ssize_t)sizeof(h))
		return -1;
	return isola_write_all(fd, rest, want - (size_t)n);
}

int isola_frame_recv(int fd, struct isola_frame *h, void *buf)
{
	ssize_t n = isola_read_all(fd, h, sizeof(*h));
	if (n == 0)
		return 0;
	if (n != sizeof(*h) || h->len > ISOLA_FRAME_MAX)
		return -1;
	if (h->len && isola_read_all(fd, buf, h->len) != (ssize_t)h->len)
		return -1;
	return 1;
}
