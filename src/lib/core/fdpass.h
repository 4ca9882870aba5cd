/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_FDPASS_H
#define ISOLA_FDPASS_H

/*
 * One message on a unix socket with at most one fd attached (SCM_RIGHTS):
 * the console socket, the parent/init sync protocol and the tty relay all
 * pass fds this way. Both retry on EINTR; the sender never raises SIGPIPE.
 */
#include <sys/types.h>
#include <sys/uio.h>

/* fd < 0: no fd attached. Returns bytes sent or -1 (errno). */
ssize_t isola_send_fd_msg(int sock, struct iovec *iov, int niov, int fd);
/*
 * flags: MSG_DONTWAIT or 0. *fd gets a received fd (close-on-exec) or -1;
 * with fd == NULL a received fd is closed. Returns bytes read, 0 at EOF, -1.
 */
ssize_t isola_recv_fd_msg(int sock, struct iovec *iov, int niov, int *fd, int flags);

#endif
