/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SYNC_H
#define ISOLA_SYNC_H

/*
 * The protocol between the runtime (parent) and the container init (child)
 * over one SOCK_SEQPACKET socketpair. Each message is one packet: a type and
 * an optional payload (an error text, or an fd with SCM_RIGHTS).
 *
 *   parent                         child
 *   -- GO (maps written, in cgroup) -->   only with a user namespace or the
 *                                        init's hooks (carries their state)
 *   -- MOUNT_SRC ... (fds), MOUNT_SRC ->  user namespace: bind sources (bindsrc.h)
 *                                  <-- HOOKS (run prestart/createRuntime now)
 *   -- HOOKS_DONE ------------------>
 *                                  <-- SECCOMP_FD (listener, when NOTIFY is used)
 *                                  <-- READY (set up, waiting to start)
 *   -- COMMIT (state written) ------>   create: then `start` writes the exec fifo
 *   -- START (state written) ------->   run, instead of COMMIT: commit and start at once
 *   either side may send ERROR with a message and stop.
 * The parent's death shows as EOF to the child, which then exits.
 */
#include "isola/error.h"

enum isola_sync_msg {
	ISOLA_SYNC_GO = 1,
	ISOLA_SYNC_HOOKS,
	ISOLA_SYNC_HOOKS_DONE,
	ISOLA_SYNC_SECCOMP_FD,
	ISOLA_SYNC_READY,
	ISOLA_SYNC_COMMIT,
	ISOLA_SYNC_START,
	ISOLA_SYNC_ERROR,
	ISOLA_SYNC_MOUNT_SRC,
};

int isola_sync_send(int sock, enum isola_sync_msg type, const char *text, int fd,
		    struct isola_error *err);
/*
 * Receive a message; an ERROR from the peer becomes *err. *fd gets a passed fd
 * (or -1) and *text a malloc'd copy of the payload, when not NULL.
 */
int isola_sync_recv(int sock, enum isola_sync_msg expect, int *fd, char **text,
		    struct isola_error *err);
/* Receive whatever comes next; returns its type, 0 on EOF, -1 with *err on ERROR. */
int isola_sync_recv_any(int sock, int *fd, char **text, struct isola_error *err);

#endif
