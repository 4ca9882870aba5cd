/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MONITOR_H
#define ISOLA_MONITOR_H

/*
 * The per-container monitor (like conmon, or what lxc-start leaves behind):
 * the container's parent and child subreaper, holder of the pty master and of
 * the container's stdio, writer of the json-file log, keeper of the exit
 * status, runner of the restart policy, server of the attach socket.
 *
 * Attach protocol, on a SOCK_STREAM unix socket: frames of an 8-byte header
 * {u8 type, 3 bytes zero, u32 length (host order)} and length bytes.
 *   client -> monitor: STDIN data, STDIN_EOF, RESIZE {u16 rows, u16 cols}
 *   monitor -> client: STDOUT/STDERR data (a tty container sends only STDOUT),
 *                      EXIT {i32 exit code} when the container has ended for good
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "isola/error.h"

struct isola_mgr;

enum isola_frame_type {
	ISOLA_FRAME_STDIN = 0,
	ISOLA_FRAME_STDOUT = 1,
	ISOLA_FRAME_STDERR = 2,
	ISOLA_FRAME_EXIT = 3,
	ISOLA_FRAME_RESIZE = 4,
	ISOLA_FRAME_STDIN_EOF = 5,
};

#define ISOLA_FRAME_MAX 65536

struct isola_frame {
	uint8_t type;
	uint8_t pad[3];
	uint32_t len;
};

int isola_frame_send(int fd, int type, const void *buf, size_t len);
/* Reads one whole frame into buf (ISOLA_FRAME_MAX bytes); 0 on EOF, -1 on error. */
int isola_frame_recv(int fd, struct isola_frame *h, void *buf);

/*
 * Start the container under a new monitor (double fork, setsid); returns once
 * it runs, or with the error that stopped it. attach_fd >= 0 becomes the
 * monitor's first attached client (a foreground `isola run`).
 */
int isola_monitor_spawn(struct isola_mgr *m, const char *id, int attach_fd,
			struct isola_error *err);
/* The monitor itself (isola-monitor's main; never returns), and its report. */
void isola_monitor_main(struct isola_mgr *m, const char *id, int attach_fd, int report_fd)
    __attribute__((noreturn));
void isola_monitor_report(int fd, const struct isola_error *err);
/* Connect to a running container's monitor (attach). */
int isola_monitor_connect(struct isola_mgr *m, const char *id, struct isola_error *err);

/* The json-file log (logfile.c). */
struct isola_log {
	int fd;
	char *path;
	int64_t size, max_size; /* max_size 0: no rotation */
	int max_file;
	char partial[2][16384]; /* per stream: bytes of an unfinished line */
	size_t plen[2];
};
int isola_log_open(struct isola_log *l, const char *path, int64_t max_size, int max_file,
		   struct isola_error *err);
/* stream 1 stdout, 2 stderr: whole lines become records; a flush writes what is left. */
void isola_log_write(struct isola_log *l, int stream, const char *buf, size_t len);
void isola_log_flush(struct isola_log *l);
void isola_log_close(struct isola_log *l);

#endif
