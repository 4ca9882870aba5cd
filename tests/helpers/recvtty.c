/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * recvtty SOCKET OUTFILE PIDFILE: the receiving end of --console-socket. Listens on
 * SOCKET, then goes to the background (so the caller knows the socket is ready when
 * this returns), accepts one connection, takes the pty master sent with SCM_RIGHTS and
 * copies everything the container writes to OUTFILE until the last slave closes.
 * Gives up after 60 seconds so a broken runtime can't leave it behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int listen_on(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "recvtty: socket path too long\n");
		return -1;
	}
	strcpy(addr.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
		perror("recvtty: listen");
		return -1;
	}
	return fd;
}

static int recv_fd(int sock)
{
	char data[256];
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0) {
		perror("recvtty: recvmsg");
		return -1;
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		fprintf(stderr, "recvtty: no fd received\n");
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static int relay(int master, int out)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));
		/* EIO is how a pty master says every slave fd is closed */
		if (n == 0 || (n < 0 && errno == EIO))
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("recvtty: read");
			return 1;
		}
		if (write(out, buf, (size_t)n) != n)
			return 1;
	}
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: recvtty SOCKET OUTFILE PIDFILE\n");
		return 2;
	}
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		perror("recvtty: open output");
		return 1;
	}
	int lfd = listen_on(argv[1]);
	if (lfd < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0) {
		perror("recvtty: fork");
		return 1;
	}
	if (pid > 0) {
		FILE *f = fopen(argv[3], "we");
		if (!f)
			return 1;
		fprintf(f, "%d\n", pid);
		return fclose(f) == 0 ? 0 : 1;
	}
	alarm(60);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
	}
	int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0) {
		perror("recvtty: accept");
		return 1;
	}
	int master = recv_fd(conn);
	close(conn);
	close(lfd);
	if (master < 0)
		return 1;
	return relay(master, out);
}
