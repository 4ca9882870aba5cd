/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-verbs.h"

static int print_event(const char *type, const char *id, struct json_object *data)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(o, "data", data);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
	return 0;
}

/* "5s", "500ms", "1m" or plain seconds -> milliseconds. */
static long parse_interval(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v <= 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		return (long)v;
	if (strcmp(end, "s") == 0 || *end == '\0')
		return (long)(v * 1000);
	if (strcmp(end, "m") == 0)
		return (long)(v * 60000);
	return -1;
}

static int stats_once(struct cli *cli, const struct isola_cgroup *cg, const char *id)
{
	struct isola_error err = {0};
	struct json_object *data = NULL;
	if (isola_cgroup_stats(cg, &data, &err) < 0)
		return cli_fail(cli, &err);
	return print_event("stats", id, data);
}

VERB(events)
{
	static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
					     {"interval", required_argument, NULL, 'i'},
					     {0}};
	bool stats = false;
	long interval = 5000;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			stats = true;
		else if (c == 'i' && (interval = parse_interval(optarg)) > 0)
			continue;
		else
			return c == 'i' ? cli_failf(cli, "invalid --interval \"%s\"", optarg)
					: cli_usage(cli, 1);
	}
	if (!cli_nargs(cli, argc, optind, 1, 1))
		return 1;
	const char *id = argv[optind];
	struct isola_state *s = NULL;
	int rc = 0, live = ~STATUS_BIT(ISOLA_STATUS_STOPPED);
	struct isola_cgroup *cg = cli_load_cgroup(cli, id, &s, live, &rc);
	if (!cg)
		return rc ? rc : 1;
	if (stats) {
		rc = stats_once(cli, cg, id);
		goto out;
	}
	struct isola_error err = {0};
	unsigned long ooms = 0, now;
	isola_cgroup_oom_count(cg, &ooms, &err);
	for (;;) {
		bool stopped = isola_state_status(s) == ISOLA_STATUS_STOPPED;
		/* Checked once more after the stop: an OOM kill is often why it stopped. */
		if (isola_cgroup_oom_count(cg, &now, &err) == 0 && now > ooms) {
			ooms = now;
			print_event("oom", id, NULL);
		}
		if (stopped || (rc = stats_once(cli, cg, id)) != 0)
			break;
		poll(NULL, 0, (int)interval);
	}
out:
	isola_cgroup_free(cg);
	isola_state_free(s);
	return rc;
}
