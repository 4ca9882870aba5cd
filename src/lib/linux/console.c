/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/fdpass.h"
#include "core/safepath.h"
#include "linux/console.h"
#include "linux/mounts.h"

int isola_send_fd(int sock, int fd, const char *name, struct isola_error *err)
{
	struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
	if (isola_send_fd_msg(sock, &iov, 1, fd) < 0)
		return isola_err_sys(err, "send fd");
	return 0;
}

int isola_recv_fd(int sock, struct isola_error *err)
{
	char name[256];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	int fd = -1;
	if (isola_recv_fd_msg(sock, &iov, 1, &fd, 0) < 0)
		return isola_err_sys(err, "receive fd");
	if (fd < 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "receive fd: no fd in message");
	return fd;
}

int isola_console_connect(const char *path, struct isola_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "console socket path too long: \"%s\"",
				 path);
	strcpy(sa.sun_path, path);
	cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return isola_err_sys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return isola_err_sys(err, "connect to console socket \"%s\"", path);
	return steal_fd(fd);
}

static int bind_to_console(int rootfd, int slave, struct isola_error *err)
{
	cleanup_close int dst = isola_mkfile_in_root(rootfd, "/dev/console", 0600, err);
	if (dst < 0)
		return -1;
	return isola_bind_fd(slave, dst, false, 0, err);
}

static int make_stdio(int slave, struct isola_error *err)
{
	if (setsid() < 0 && errno != EPERM)
		return isola_err_sys(err, "setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return isola_err_sys(err, "set controlling terminal");
	for (int i = 0; i < 3; i++)
		if (dup3(slave, i, 0) < 0)
			return isola_err_sys(err, "dup pty to fd %d", i);
	return 0;
}

int isola_console_setup(int rootfd, int sockfd, const struct isola_process *p, bool bind_console,
			struct isola_error *err)
{
	cleanup_close int master =
	    isola_open_in_root(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0, err);
	if (master < 0)
		return isola_err_prefix(err, "open pty");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return isola_err_sys(err, "unlock pty");
	/* TIOCGPTPEER opens the slave from the master: no path lookup to race. */
	cleanup_close int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return isola_err_sys(err, "open pty slave");
	/* The process owns its tty, as with runc (tty, su, ssh check it); the group stays tty. */
	if (p->user.uid != 0 && fchown(slave, p->user.uid, (gid_t)-1) < 0)
		return isola_err_sys(err, "chown pty to uid %u", (unsigned)p->user.uid);
	if (p->has_console_size) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};
		if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
			return isola_err_sys(err, "set console size");
	}
	if (bind_console && bind_to_console(rootfd, slave, err) < 0)
		return -1;
	if (isola_send_fd(sockfd, master, "/dev/ptmx", err) < 0)
		return isola_err_prefix(err, "console socket");
	return make_stdio(slave, err);
}
