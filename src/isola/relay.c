/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "core/util.h"
#include "ctr.h"
#include "monitor/monitor.h"

/*
 * The client end of an attach: our stdin to the container, its output to
 * our stdout/stderr, window sizes and (with --sig-proxy) signals passed on.
 * The detach keys (ctrl-p ctrl-q) leave the container running.
 */

static void send_size(int sock)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	uint16_t rc[2] = {ws.ws_row, ws.ws_col};
	isola_frame_send(sock, ISOLA_FRAME_RESIZE, rc, sizeof(rc));
}

/* "ctrl-p,ctrl-q" -> bytes 0x10 0x11; "a,b" -> 'a' 'b'. */
static size_t parse_keys(const char *spec, unsigned char *out, size_t max)
{
	char buf[128];
	size_t n = 0;
	snprintf(buf, sizeof(buf), "%s", spec ? spec : "ctrl-p,ctrl-q");
	char *save;
	for (char *k = strtok_r(buf, ",", &save); k && n < max; k = strtok_r(NULL, ",", &save)) {
		if (!strncmp(k, "ctrl-", 5) && k[5] && !k[6])
			out[n++] = (unsigned char)(k[5] == '@' ? 0 : (k[5] | 0x20) - 'a' + 1);
		else if (k[0] && !k[1])
			out[n++] = (unsigned char)k[0];
	}
	return n;
}

struct keys {
	unsigned char seq[16];
	size_t n, matched;
};

/* Forward buf, holding back a partial detach sequence; true when it completed. */
static bool stdin_chunk(int sock, struct keys *k, const unsigned char *buf, size_t len)
{
	unsigned char out[4096 + 16];
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (k->n && buf[i] == k->seq[k->matched]) {
			if (++k->matched == k->n)
				return true;
			continue;
		}
		memcpy(out + o, k->seq, k->matched);
		o += k->matched;
		k->matched = 0;
		out[o++] = buf[i];
	}
	if (o)
		isola_frame_send(sock, ISOLA_FRAME_STDIN, out, o);
	return false;
}

static sigset_t relay_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		sigaddset(&set, sigs[i]);
	return set;
}

/* Output frames; returns 1 with *code at EXIT, -1 when the monitor went away. */
static int sock_frame(int sock, int *code)
{
	static char buf[ISOLA_FRAME_MAX];
	struct isola_frame h;
	int r = isola_frame_recv(sock, &h, buf);
	if (r <= 0)
		return -1;
	if (h.type == ISOLA_FRAME_STDOUT || h.type == ISOLA_FRAME_STDERR)
		isola_write_all(h.type == ISOLA_FRAME_STDERR ? 2 : 1, buf, h.len);
	else if (h.type == ISOLA_FRAME_EXIT && h.len == 4) {
		int32_t c;
		memcpy(&c, buf, 4);
		*code = c;
		return 1;
	}
	return 0;
}

static void on_signals(struct ctr_relay *r, int sigfd)
{
	struct signalfd_siginfo si;
	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH && r->tty)
			send_size(r->sock);
		else if (si.ssi_signo != SIGWINCH && r->sig_proxy && !r->tty)
			isola_ctr_kill(r->m, r->id, (int)si.ssi_signo, NULL);
	}
}

static int relay_loop(struct ctr_relay *r, int sigfd, struct keys *k)
{
	bool in_open = r->stdin_open;
	int code = -1;
	for (;;) {
		struct pollfd pf[3] = {{.fd = r->sock, .events = POLLIN},
				       {.fd = sigfd, .events = POLLIN},
				       {.fd = in_open ? STDIN_FILENO : -1, .events = POLLIN}};
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pf[1].revents)
			on_signals(r, sigfd);
		if (pf[2].revents) {
			unsigned char buf[4096];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0 && stdin_chunk(r->sock, k, buf, (size_t)n))
				return -2; /* detached */
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				in_open = false;
				isola_frame_send(r->sock, ISOLA_FRAME_STDIN_EOF, NULL, 0);
			}
		}
		if (pf[0].revents) {
			int s = sock_frame(r->sock, &code);
			if (s != 0)
				return s > 0 ? code : -1;
		}
	}
}

int ctr_relay(struct ctr_relay *r)
{
	struct keys k = {.matched = 0};
	struct termios saved, raw;
	bool restore = false;
	if (r->tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		send_size(r->sock);
	}
	if (r->tty)
		k.n = parse_keys(r->detach_keys, k.seq, sizeof(k.seq));
	sigset_t set = relay_signals(), old;
	sigprocmask(SIG_BLOCK, &set, &old);
	int sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int code = relay_loop(r, sigfd, &k);
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return code;
}
