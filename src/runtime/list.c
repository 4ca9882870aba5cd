/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/cleanup.h"

static void print_table(struct isola_state **st, size_t n)
{
	size_t w = 2;
	for (size_t i = 0; i < n; i++)
		if (strlen(st[i]->id) > w)
			w = strlen(st[i]->id);
	printf("%-*s   %-7s   %-10s  %-40s  %-30s  %s\n", (int)w, "ID", "PID", "STATUS", "BUNDLE",
	       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		enum isola_status s = isola_state_status(st[i]);
		printf("%-*s   %-7d   %-10s  %-40s  %-30s  %s\n", (int)w, st[i]->id,
		       s == ISOLA_STATUS_STOPPED ? 0 : st[i]->pid, isola_status_name(s),
		       st[i]->bundle ? st[i]->bundle : "", st[i]->created ? st[i]->created : "",
		       st[i]->owner == 0 ? "root" : "");
	}
}

static void print_json(struct isola_state **st, size_t n)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *one = isola_state_json(st[i], isola_state_status(st[i]), 0);
		json_object_array_add(arr, json_tokener_parse(one));
	}
	puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

VERB(list)
{
	static const struct option opts[] = {
		{"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {0}};
	bool quiet = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, "qf:", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
			json = strcmp(optarg, "json") == 0;
		else
			return cli_usage(cli, 1);
	}
	struct isola_error err = {0};
	cleanup_strv char **ids = NULL;
	if (isola_state_list(cli->rt.root, &ids, &err) < 0)
		return cli_fail(cli, &err);
	size_t n = 0, total = 0;
	while (ids[total])
		total++;
	struct isola_state **st = calloc(total + 1, sizeof(*st));
	for (size_t i = 0; i < total; i++)
		if ((st[n] = isola_state_load(cli->rt.root, ids[i], &err)) && st[n]->created)
			n++;
		else
			isola_state_free(st[n]);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			puts(st[i]->id);
	else if (json)
		print_json(st, n);
	else
		print_table(st, n);
	for (size_t i = 0; i < n; i++)
		isola_state_free(st[i]);
	free(st);
	return 0;
}
