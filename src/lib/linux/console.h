/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CONSOLE_H
#define ISOLA_CONSOLE_H

#include <stdbool.h>

#include "isola/error.h"
#include "spec/config.h"

/*
 * In the container (after pivot_root, with its /dev/pts mounted): open a new
 * pty, optionally bind the slave onto /dev/console, send the master to the
 * engine over sockfd (SCM_RIGHTS, as runc's --console-socket), and make the
 * slave the controlling terminal and stdio of this process.
 */
int isola_console_setup(int rootfd, int sockfd, const struct isola_process *p, bool bind_console,
			struct isola_error *err);
/* Connect to a --console-socket path; returns the socket fd. */
int isola_console_connect(const char *path, struct isola_error *err);
/* Send fd over a unix socket with a short name as payload. */
int isola_send_fd(int sock, int fd, const char *name, struct isola_error *err);
/* Receive one fd; returns it or -1. */
int isola_recv_fd(int sock, struct isola_error *err);

#endif
