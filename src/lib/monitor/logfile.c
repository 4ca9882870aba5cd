/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/util.h"
#include "monitor/monitor.h"

/*
 * docker's json-file driver: one JSON object a line,
 *   {"log":"hello\n","stream":"stdout","time":"2026-12-03T10:00:00.123456789Z"}
 * rotated at max-size into <path>.1 ... <path>.<max-file - 1>, oldest last.
 */

int isola_log_open(struct isola_log *l, const char *path, int64_t max_size, int max_file,
		   struct isola_error *err)
{
	*l = (struct isola_log){
	    .fd = -1, .max_size = max_size, .max_file = max_file > 0 ? max_file : 1};
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return isola_err_sys(err, "open log \"%s\"", path);
	struct stat st;
	l->size = fstat(l->fd, &st) == 0 ? st.st_size : 0;
	l->path = strdup(path);
	return 0;
}

static void rotate(struct isola_log *l)
{
	char from[4200], to[4200];
	close(l->fd);
	l->fd = -1;
	if (l->max_file <= 1) {
		l->fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
		l->size = 0;
		return;
	}
	for (int i = l->max_file - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", l->path);
		else
			snprintf(from, sizeof(from), "%s.%d", l->path, i - 1);
		snprintf(to, sizeof(to), "%s.%d", l->path, i);
		rename(from, to);
	}
	l->fd = open(l->path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	l->size = 0;
}

static void record(struct isola_log *l, int stream, const char *buf, size_t len)
{
	struct timespec ts;
	char now[64];
	clock_gettime(CLOCK_REALTIME, &ts);
	isola_rfc3339(&ts, true, now, sizeof(now));
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "log", json_object_new_string_len(buf, (int)len));
	json_object_object_add(o, "stream",
			       json_object_new_string(stream == 2 ? "stderr" : "stdout"));
	json_object_object_add(o, "time", json_object_new_string(now));
	size_t n;
	const char *text = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	if (l->max_size > 0 && l->size > 0 && l->size + (int64_t)n + 1 > l->max_size)
		rotate(l);
	if (l->fd >= 0) {
		struct iovec iov[2] = {{(void *)text, n}, {(void *)"\n", 1}};
		if (writev(l->fd, iov, 2) > 0)
			l->size += (int64_t)n + 1;
	}
	json_object_put(o);
}

void isola_log_write(struct isola_log *l, int stream, const char *buf, size_t len)
{
	int s = stream == 2 ? 1 : 0;
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) + 1 : len;
		size_t room = sizeof(l->partial[s]) - l->plen[s];
		if (take > room)
			take = room;
		memcpy(l->partial[s] + l->plen[s], buf, take);
		l->plen[s] += take;
		buf += take;
		len -= take;
		if (l->partial[s][l->plen[s] - 1] == '\n' || l->plen[s] == sizeof(l->partial[s])) {
			record(l, s + 1, l->partial[s], l->plen[s]);
			l->plen[s] = 0;
		}
	}
}

void isola_log_flush(struct isola_log *l)
{
	for (int s = 0; s < 2; s++) {
		if (l->plen[s])
			record(l, s + 1, l->partial[s], l->plen[s]);
		l->plen[s] = 0;
	}
}

void isola_log_close(struct isola_log *l)
{
	isola_log_flush(l);
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	l->fd = -1;
	l->path = NULL;
}
