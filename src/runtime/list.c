/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void print_table(const struct isola_container_info *v, size_t n)
{
	size_t w = 2;
	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].id) > w)
			w = strlen(v[i].id);
	printf("%-*s   %-7s   %-10s  %-40s  %-30s  %s\n", (int)w, "ID", "PID", "STATUS", "BUNDLE",
	       "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++)
		printf("%-*s   %-7d   %-10s  %-40s  %-30s  %s\n", (int)w, v[i].id, (int)v[i].pid,
		       v[i].status, v[i].bundle ? v[i].bundle : "",
		       v[i].created ? v[i].created : "", v[i].owner == 0 ? "root" : "");
}

static void print_json(const struct isola_container_info *v, size_t n)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_tokener_parse(v[i].json));
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
	struct isola_container_info *v = NULL;
	size_t n = 0;
	if (isola_container_list(&cli->rt, json && !quiet, &v, &n, &err) < 0)
		return cli_fail(cli, &err);
	if (quiet)
		for (size_t i = 0; i < n; i++)
			puts(v[i].id);
	else if (json)
		print_json(v, n);
	else
		print_table(v, n);
	isola_container_list_free(v, n);
	return 0;
}
