/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "isola-version.h"

void cli_human_size(int64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lldB", (long long)bytes);
	else
		snprintf(buf, size, "%.3g%s", v, units[u]);
}

void cli_human_ago(const char *rfc3339, char *buf, size_t size)
{
	struct tm tm = {0};
	if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm)) {
		snprintf(buf, size, "N/A");
		return;
	}
	long d = (long)difftime(time(NULL), timegm(&tm));
	static const struct {
		long secs;
		const char *unit;
	} steps[] = {{365L * 86400, "year"}, {30L * 86400, "month"}, {7L * 86400, "week"},
		     {86400, "day"},	     {3600, "hour"},	     {60, "minute"}};
	if (d < 1) {
		snprintf(buf, size, "Less than a second ago");
		return;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long n = d / steps[i].secs;
		if (n >= 1) {
			snprintf(buf, size, "%ld %s%s ago", n, steps[i].unit, n == 1 ? "" : "s");
			return;
		}
	}
	snprintf(buf, size, "%ld second%s ago", d, d == 1 ? "" : "s");
}

/* ---- progress ---- */
struct progress_state {
	bool tty, quiet;
	pthread_mutex_t lock;
	int lines; /* bars drawn on a tty */
	char ids[32][20];
	char text[32][128];
};

static int slot_for(struct progress_state *st, const char *id)
{
	for (int i = 0; i < st->lines; i++) {
		if (!strcmp(st->ids[i], id))
			return i;
	}
	if (st->lines == 32)
		return 31;
	snprintf(st->ids[st->lines], sizeof(st->ids[0]), "%s", id);
	st->text[st->lines][0] = '\0';
	fputc('\n', stderr);
	return st->lines++;
}

static void draw(struct progress_state *st, int slot)
{
	/* move up to the bar's line, rewrite it, move back down */
	int up = st->lines - slot;
	fprintf(stderr, "\033[%dA\r\033[K%s\033[%dB\r", up, st->text[slot], up);
	fflush(stderr);
}

static void bar(char *buf, size_t size, const struct isola_progress *p)
{
	char cur[16], tot[16], bars[31];
	int fill = 0;
	cli_human_size(p->current, cur, sizeof(cur));
	if (p->total > 0) {
		cli_human_size(p->total, tot, sizeof(tot));
		fill = (int)(p->current * 30 / (p->total ? p->total : 1));
		fill = fill > 30 ? 30 : fill;
	} else {
		snprintf(tot, sizeof(tot), "?");
	}
	memset(bars, '=', (size_t)fill);
	memset(bars + fill, ' ', (size_t)(30 - fill));
	bars[30] = '\0';
	snprintf(buf, size, "%s: %-11s [%s] %s/%s", p->id, p->what, bars, cur, tot);
}

static void render(const struct isola_progress *p, void *data)
{
	struct progress_state *st = data;
	if (st->quiet)
		return;
	pthread_mutex_lock(&st->lock);
	if (!p->id) {
		fprintf(stderr, "%s\n", p->what);
	} else if (!st->tty) {
		if (p->kind == ISOLA_PROGRESS_START)
			fprintf(stderr, "%s: %s\n", p->id, p->what);
		else if (p->kind == ISOLA_PROGRESS_DONE)
			fprintf(stderr, "%s: %s done\n", p->id, p->what);
		else if (p->kind == ISOLA_PROGRESS_SKIP)
			fprintf(stderr, "%s: already exists\n", p->id);
	} else {
		int slot = slot_for(st, p->id);
		if (p->kind == ISOLA_PROGRESS_SKIP)
			snprintf(st->text[slot], sizeof(st->text[0]), "%s: already exists", p->id);
		else if (p->kind == ISOLA_PROGRESS_DONE)
			snprintf(st->text[slot], sizeof(st->text[0]), "%s: %s complete", p->id,
				 p->what);
		else
			bar(st->text[slot], sizeof(st->text[0]), p);
		draw(st, slot);
	}
	pthread_mutex_unlock(&st->lock);
}

void cli_progress_init(struct isola_progress_sink *sink, bool quiet)
{
	struct progress_state *st = calloc(1, sizeof(*st));
	sink->fn = NULL;
	sink->data = NULL;
	if (!st)
		return;
	st->tty = isatty(STDERR_FILENO);
	st->quiet = quiet;
	pthread_mutex_init(&st->lock, NULL);
	sink->fn = render;
	sink->data = st;
}

void cli_progress_finish(struct isola_progress_sink *sink)
{
	struct progress_state *st = sink->data;
	if (!st)
		return;
	pthread_mutex_destroy(&st->lock);
	free(st);
	sink->data = NULL;
	sink->fn = NULL;
}

void cli_helper_path(const char *in_build, const char *name, char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 64);
	if (n > 0) {
		buf[n] = 0;
		char *slash = strrchr(buf, '/');
		if (slash)
			snprintf(slash, size - (size_t)(slash - buf), "/../%s", in_build);
	}
	if (n <= 0 || access(buf, X_OK) < 0)
		snprintf(buf, size, "%s/%s", ISOLA_LIBEXECDIR, name);
}

int cli_delegate(struct cli *cli)
{
	char path[4096];
	cli_helper_path("isola/isola-image", "isola-image", path, sizeof(path));
	fflush(stdout);
	execv(path, cli->argv);
	fprintf(stderr, "isola: cannot run \"%s\": %s\n", path, strerror(errno));
	return 125;
}
