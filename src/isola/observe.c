/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctr.h"

/* `isola top`, `stats`, `info` (lxc-info) and `events`. */

static long long proc_field(pid_t pid, int field)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2; /* field 3 */
	for (int f = 3; f < field && p; f++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	return p ? atoll(p) : -1;
}

static void cmdline(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(buf, size, "?");
		return;
	}
	for (ssize_t i = 0; i < n - 1; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
}

static uid_t proc_uid(pid_t pid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

static int top_of(struct isola_mgr *m, const char *id, void *data)
{
	struct isola_error err = {0};
	pid_t *pids = NULL;
	size_t n = 0;
	if (isola_ctr_pids(m, id, &pids, &n, &err) < 0)
		return ctr_fail(&err, 1);
	long hz = sysconf(_SC_CLK_TCK);
	printf("%-10s %-8s %-8s %-10s %s\n", "UID", "PID", "PPID", "TIME", "CMD");
	for (size_t i = 0; i < n; i++) {
		char cmd[4096], user[32];
		cmdline(pids[i], cmd, sizeof(cmd));
		long long t =
		    (proc_field(pids[i], 14) + proc_field(pids[i], 15)) / (hz > 0 ? hz : 100);
		struct passwd *pw = getpwuid(proc_uid(pids[i]));
		snprintf(user, sizeof(user), "%s", pw ? pw->pw_name : "?");
		printf("%-10s %-8d %-8lld %02lld:%02lld:%02lld %s\n", user, (int)pids[i],
		       proc_field(pids[i], 4), t / 3600, t / 60 % 60, t % 60, cmd);
	}
	free(pids);
	return 0;
}

int cmd_top(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("top: requires exactly 1 argument");
	return ctr_on_one(cli, argv[1], top_of, NULL);
}

static long long jget(struct json_object *o, const char *a, const char *b, const char *c)
{
	struct json_object *v = o;
	const char *path[] = {a, b, c};
	for (int i = 0; i < 3 && path[i] && v; i++)
		if (!json_object_object_get_ex(v, path[i], &v))
			return 0;
	return v ? json_object_get_int64(v) : 0;
}

struct sample {
	long long cpu_ns, t_ns;
};

/* One stats row; cpu % from the difference to the previous sample (docker's way). */
static void stats_row(struct isola_mgr *m, const char *id, const char *name, struct sample *prev,
		      int json)
{
	struct json_object *s = isola_ctr_stats(m, id, NULL);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = ts.tv_sec * 1000000000LL + ts.tv_nsec,
		  cpu = jget(s, "cpu", "usage", "total");
	double pct = prev->t_ns && now > prev->t_ns
			 ? 100.0 * (double)(cpu - prev->cpu_ns) / (double)(now - prev->t_ns)
			 : 0.0;
	*prev = (struct sample){cpu, now};
	long long mem = jget(s, "memory", "usage", "usage"),
		  lim = jget(s, "memory", "usage", "limit");
	long long phys = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	if (lim <= 0 || lim > phys)
		lim = phys; /* no limit: the host's memory, as docker shows */
	long long pids = jget(s, "pids", "current", NULL);
	char u[64], l[32];
	json_object_put(s);
	if (json < 0)
		return; /* the first sample of --no-stream */
	cli_human_size(mem, u, sizeof(u));
	cli_human_size(lim, l, sizeof(l));
	if (json)
		printf("{\"ID\":\"%.12s\",\"Name\":\"%s\",\"CPUPerc\":\"%.2f%%\",\"MemUsage\":\"%s "
		       "/ %s\","
		       "\"PIDs\":\"%lld\"}\n",
		       id, name, pct, u, l, pids);
	else
		printf("%-14.12s %-20s %-8.2f %-22s %lld\n", id, name, pct,
		       (snprintf(u + strlen(u), sizeof(u) - strlen(u), " / %s", l), u), pids);
}

static void stats_round(struct isola_mgr *m, char **ids, struct sample *prev, int json)
{
	if (json == 0)
		printf("%-14s %-20s %-8s %-22s %s\n", "CONTAINER ID", "NAME", "CPU %",
		       "MEM USAGE / LIMIT", "PIDS");
	for (int i = 0; ids && ids[i]; i++) {
		struct json_object *rec = isola_ctr_load(m, ids[i], NULL), *nm;
		const char *st = rec ? isola_ctr_status(m, rec) : "";
		if (!strcmp(st, "running") && json_object_object_get_ex(rec, "Name", &nm))
			stats_row(m, ids[i], json_object_get_string(nm) + 1, &prev[i], json);
		json_object_put(rec);
	}
	fflush(stdout);
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"no-stream", no_argument, NULL, 'n'}, {"format", required_argument, NULL, 'f'}, {0}};
	bool stream = isatty(STDOUT_FILENO), json = false;
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'n')
			stream = false;
		else if (c == 'f')
			json = !strcmp(optarg, "json");
		else
			return 2;
	}
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char **ids = NULL;
	struct isola_error err = {0};
	int n = 0;
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			char id[65];
			if (ctr_resolve(&m, argv[i], id) == 0)
				ids = ctr_strv_push(ids, id);
		}
	} else if (isola_ctr_list(&m, &ids, &err) < 0) {
		isola_mgr_close(&m);
		return ctr_fail(&err, 1);
	}
	while (ids && ids[n])
		n++;
	struct sample *prev = calloc((size_t)n + 1, sizeof(*prev));
	if (prev)
		stats_round(&m, ids, prev, -1);
	while (prev) {
		struct timespec ts = {stream ? 1 : 0, stream ? 0 : 200 * 1000 * 1000};
		nanosleep(&ts, NULL); /* cpu % needs two samples */
		if (stream)
			printf("\033[2J\033[H");
		stats_round(&m, ids, prev, json ? 1 : 0);
		if (!stream)
			break;
	}
	free(prev);
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	isola_mgr_close(&m);
	return 0;
}

/* lxc-info: Name, State, PID, CPU use, Memory use, I/O. */
static int info_of(struct isola_mgr *m, const char *id, void *data)
{
	struct isola_error err = {0};
	struct json_object *rec = isola_ctr_load(m, id, &err), *nm;
	if (!rec)
		return ctr_fail(&err, 1);
	const char *st = isola_ctr_status(m, rec);
	printf("%-16s%s\n", "Name:",
	       json_object_object_get_ex(rec, "Name", &nm) ? json_object_get_string(nm) + 1 : "");
	printf("%-16s%.12s\n", "ID:", id);
	printf("%-16s%s\n", "State:",
	       !strcmp(st, "running")  ? "RUNNING"
	       : !strcmp(st, "paused") ? "FROZEN"
				       : "STOPPED");
	pid_t pid = isola_ctr_pid(m, rec);
	json_object_put(rec);
	if (!pid)
		return 0;
	printf("%-16s%d\n", "PID:", (int)pid);
	struct json_object *s = isola_ctr_stats(m, id, NULL);
	char buf[32];
	printf("%-16s%.2f seconds\n", "CPU use:", (double)jget(s, "cpu", "usage", "total") / 1e9);
	cli_human_size(jget(s, "memory", "usage", "usage"), buf, sizeof(buf));
	printf("%-16s%s\n", "Memory use:", buf);
	printf("%-16s%lld\n", "Pids:", jget(s, "pids", "current", NULL));
	json_object_put(s);
	return 0;
}

int cmd_info(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("info: requires exactly 1 argument (CONTAINER)");
	return ctr_on_one(cli, argv[1], info_of, NULL);
}

struct ev_opts {
	bool follow, json;
	const char *since, *until, *filter_name;
};

static void ev_print(const char *line, const struct ev_opts *o)
{
	struct json_object *e = json_tokener_parse(line), *v, *actor, *attrs;
	if (!e)
		return;
	const char *t = json_object_object_get_ex(e, "Time", &v) ? json_object_get_string(v) : "";
	const char *name = json_object_object_get_ex(e, "Actor", &actor) && actor &&
				   json_object_object_get_ex(actor, "name", &attrs)
			       ? json_object_get_string(attrs)
			       : "";
	bool in = (!o->since || strcmp(t, o->since) >= 0) &&
		  (!o->until || strcmp(t, o->until) <= 0) &&
		  (!o->filter_name || !strcmp(name, o->filter_name));
	if (in && o->json)
		printf("%s", line);
	else if (in)
		printf("%s container %s %s (name=%s)\n", t,
		       json_object_object_get_ex(e, "Action", &v) ? json_object_get_string(v) : "",
		       json_object_object_get_ex(e, "ID", &v) ? json_object_get_string(v) : "",
		       name);
	fflush(stdout);
	json_object_put(e);
}

/* lxc-monitor's view: the log so far (with --since) and, without --until, what comes. */
int cmd_events(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"since", required_argument, NULL, 's'},
					     {"until", required_argument, NULL, 'u'},
					     {"format", required_argument, NULL, 'f'},
					     {"filter", required_argument, NULL, 'F'},
					     {0}};
	struct ev_opts o = {.follow = true};
	int c;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			o.since = optarg;
		else if (c == 'u')
			o.until = optarg, o.follow = false;
		else if (c == 'f')
			o.json = !strcmp(optarg, "json");
		else if (c == 'F' && !strncmp(optarg, "container=", 10))
			o.filter_name = optarg + 10;
		else
			return cli_usage_error("events: bad option");
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/events.log", cli->root);
	FILE *f = fopen(path, "re");
	if (f && !o.since && o.follow)
		fseek(f, 0, SEEK_END); /* docker: without --since, only what happens from now */
	char *line = NULL;
	size_t sz = 0;
	for (;;) {
		if (!f)
			f = fopen(path, "re");
		ssize_t n;
		while (f && (n = getline(&line, &sz, f)) > 0 && line[n - 1] == '\n')
			ev_print(line, &o);
		if (!o.follow)
			break;
		if (f)
			clearerr(f);
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	free(line);
	if (f)
		fclose(f);
	return 0;
}
