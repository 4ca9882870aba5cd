/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void print_event(void *data, const char *json)
{
	puts(json);
	fflush(stdout);
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

VERB(events)
{
	static const struct option opts[] = {
	    {"stats", no_argument, NULL, 's'}, {"interval", required_argument, NULL, 'i'}, {0}};
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
	struct isola_events_opts o = {
	    .stats_once = stats, .interval_ms = interval, .emit = print_event};
	struct isola_error err = {0};
	if (isola_container_events(&cli->rt, argv[optind], &o, &err) < 0)
		return cli_fail(cli, &err);
	return 0;
}
