/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/util.h"
#include "tty.h"

int tty_take_master(int sock)
{
	char name[64];
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
	int fd = -1;
	/* The init sent it during create, before READY: it is queued or not there. */
	isola_recv_fd_msg(sock, &iov, 1, &fd, MSG_DONTWAIT);
	return fd;
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

static void copy_winsize(int master)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Returns false when the side read from is done (EOF, or EIO once every slave closed). */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	return n > 0 && isola_write_all(to, buf, (size_t)n) == 0;
}

void tty_relay(int master)
{
	struct termios saved, raw;
	bool is_tty = tcgetattr(STDIN_FILENO, &saved) == 0;
	if (is_tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		copy_winsize(master);
	}
	/* Resizes go to the pty (the kernel tells the container), not to the init as a signal. */
	struct sigaction sa = {.sa_handler = on_winch};
	sigaction(SIGWINCH, &sa, NULL);
	struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN}, {.fd = master, .events = POLLIN}};
	for (;;) {
		if (winch) {
			winch = 0;
			copy_winsize(master);
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents && !pump(master, STDOUT_FILENO))
			break;
		if (p[0].revents && !pump(STDIN_FILENO, master))
			p[0].fd = -1; /* our stdin is done; the container's output may go on */
	}
	if (is_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
