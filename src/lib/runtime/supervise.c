/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "core/util.h"
#include "isola/supervise.h"
#include "runtime/container.h"

int isola_tty_take_master(int sock)
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

void isola_tty_relay(int master)
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
	struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
			      {.fd = master, .events = POLLIN}};
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

static volatile pid_t forward_to;

static void forward(int sig)
{
	if (forward_to > 0)
		kill(forward_to, sig);
}

/* Signals a foreground run passes on to the container, as runc does. */
static const int forwarded[] = {SIGHUP,	  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
				SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU};
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* With a tty relay: handlers, so the relay's poll loop keeps running. */
static void forward_signals(pid_t pid)
{
	struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	forward_to = pid;
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaction(forwarded[i], &sa, NULL);
}

/*
 * Without a relay: block the forwarded signals and SIGCHLD and take them with
 * sigwaitinfo, two syscalls instead of eleven handlers. The mask is restored
 * before anything else runs (delete's poststop hooks must not inherit it).
 */
static int wait_forwarding(pid_t pid)
{
	sigset_t set, old;
	sigemptyset(&set);
	for (size_t i = 0; i < NFORWARDED; i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	int status = -1;
	for (;;) {
		/*
		 * Checked first: a SIGCHLD from before the mask was discarded. Any
		 * child is taken: orphans of the container come to us, its subreaper.
		 */
		int st;
		pid_t r;
		while ((r = waitpid(-1, &st, WNOHANG)) > 0 && r != pid)
			;
		if (r == pid) {
			status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
		if (r < 0)
			break;
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig > 0 && sig != SIGCHLD)
			kill(pid, sig);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status < 0 ? 255 : status;
}

int isola_container_supervise(struct isola_container *c)
{
	int master = c->console >= 0 ? isola_tty_take_master(c->console) : -1;
	int status;
	if (master >= 0) {
		forward_signals(c->pid);
		isola_tty_relay(master);
		close(master);
		status = isola_container_wait(c->pid);
	} else {
		status = wait_forwarding(c->pid);
	}
	forward_to = 0;
	return status;
}
