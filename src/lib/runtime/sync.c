/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/fdpass.h"
#include "runtime/sync.h"

struct sync_hdr {
	uint32_t type;
	int32_t kind;
	int32_t errnum;
};

int isola_sync_send(int sock, enum isola_sync_msg type, const char *text, int fd,
		    struct isola_error *err)
{
	struct sync_hdr h = {.type = type};
	struct isola_error *e = (type == ISOLA_SYNC_ERROR) ? err : NULL;
	if (e) {
		h.kind = e->kind;
		h.errnum = e->errnum;
		text = e->msg;
	}
	struct iovec iov[2] = {{&h, sizeof(h)},
			       {(void *)(text ? text : ""), text ? strlen(text) : 0}};
	ssize_t n = isola_send_fd_msg(sock, iov, 2, fd);
	if (n < 0 && !e)
		return isola_err_sys(err, "sync: send");
	return n < 0 ? -1 : 0;
}

int isola_sync_recv_any(int sock, int *fd, char **payload, struct isola_error *err)
{
	struct sync_hdr h = {0};
	char text[16384];
	struct iovec iov[2] = {{&h, sizeof(h)}, {text, sizeof(text) - 1}};
	ssize_t n = isola_recv_fd_msg(sock, iov, 2, fd, 0);
	if (n < 0)
		return isola_err_sys(err, "sync: receive");
	if (n == 0)
		return 0; /* EOF: the peer exited or exec'd */
	size_t tlen = (size_t)n > sizeof(h) ? (size_t)n - sizeof(h) : 0;
	text[tlen] = '\0';
	if (h.type == ISOLA_SYNC_ERROR) {
		isola_err(err, h.kind ? h.kind : ISOLA_ERR_SYSTEM, 0, "%s", text);
		err->errnum = h.errnum;
		return -1;
	}
	if (payload && !(*payload = strdup(text)))
		return isola_err_sys(err, "alloc");
	return (int)h.type;
}

int isola_sync_recv(int sock, enum isola_sync_msg expect, int *fd, char **payload,
		    struct isola_error *err)
{
	int local = -1;
	int type = isola_sync_recv_any(sock, &local, payload, err);
	if (type < 0)
		return -1;
	if (type == 0)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "container init exited unexpectedly");
	if (fd)
		*fd = local;
	else if (local >= 0)
		close(local);
	if (type != (int)expect) {
		if (payload) {
			free(*payload);
			*payload = NULL;
		}
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "sync: expected message %d, got %d",
				 expect, type);
	}
	return 0;
}
