/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fdpass.h"

/* The control buffer must be aligned for struct cmsghdr. */
union fd_ctl {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

ssize_t isola_send_fd_msg(int sock, struct iovec *iov, int niov, int fd)
{
	union fd_ctl ctl = {0};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)niov};
	if (fd >= 0) {
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t isola_recv_fd_msg(int sock, struct iovec *iov, int niov, int *fd, int flags)
{
	union fd_ctl ctl = {0};
	struct msghdr msg = {.msg_iov = iov,
			     .msg_iovlen = (size_t)niov,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	if (fd)
		*fd = -1;
	ssize_t n;
	do
		n = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
		int got;
		memcpy(&got, CMSG_DATA(cm), sizeof(int));
		if (fd)
			*fd = got;
		else
			close(got); /* nobody asked for it: don't leak it */
	}
	return n;
}
