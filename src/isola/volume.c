/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctr.h"

/* `isola volume create|ls|inspect|rm|prune`, as docker's. */

static void free_strv(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

static int vol_create(struct isola_mgr *m, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"label", required_argument, NULL, 'l'}, {"driver", required_argument, NULL, 'd'}, {0}};
	char **labels = NULL, out[65];
	int c;
	while ((c = getopt_long(argc, argv, "+l:d:", opts, NULL)) != -1) {
		if (c == 'l')
			labels = ctr_strv_push(labels, optarg);
		else if (c != 'd' || strcmp(optarg, "local"))
			return free_strv(labels),
			       cli_usage_error("volume create: only the local driver");
	}
	if (argc - optind > 1)
		return free_strv(labels), cli_usage_error("volume create: at most 1 argument");
	struct isola_error err = {0};
	int r = isola_volume_create(m, optind < argc ? argv[optind] : NULL, labels, out, &err);
	free_strv(labels);
	if (r < 0)
		return ctr_fail(&err, 1);
	printf("%s\n", out);
	return 0;
}

static int vol_ls(struct isola_mgr *m, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {0}};
	bool quiet = false;
	const char *format = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f')
			format = optarg;
		else
			return 2;
	}
	struct isola_error err = {0};
	char **names = NULL;
	if (isola_volume_list(m, &names, &err) < 0)
		return ctr_fail(&err, 1);
	if (!quiet && !format)
		printf("%-10s %s\n", "DRIVER", "VOLUME NAME");
	for (char **n = names; n && *n; n++) {
		struct json_object *v = isola_volume_load(m, *n, NULL);
		if (quiet)
			printf("%s\n", *n);
		else if (format && !strcmp(format, "json"))
			printf("%s\n",
			       json_object_to_json_string_ext(
				   v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		else if (format && v)
			cli_template(format, v, stdout), putchar('\n');
		else
			printf("%-10s %s\n", "local", *n);
		json_object_put(v);
	}
	free_strv(names);
	return 0;
}

static int vol_inspect(struct isola_mgr *m, int argc, char **argv)
{
	struct json_object *arr = json_object_new_array();
	int rc = 0;
	for (int i = 1; i < argc; i++) {
		struct isola_error err = {0};
		struct json_object *v = isola_volume_load(m, argv[i], &err);
		if (v)
			json_object_array_add(arr, v);
		else
			rc = ctr_fail(&err, 1);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return rc;
}

static int vol_rm(struct isola_mgr *m, int argc, char **argv)
{
	bool force = false;
	int c, rc = 0;
	while ((c = getopt(argc, argv, "+f")) != -1) {
		if (c != 'f')
			return 2;
		force = true;
	}
	if (optind >= argc)
		return cli_usage_error("volume rm: requires at least 1 argument");
	for (int i = optind; i < argc; i++) {
		struct isola_error err = {0};
		if (isola_volume_remove(m, argv[i], force, &err) < 0)
			rc = ctr_fail(&err, 1);
		else
			printf("%s\n", argv[i]);
	}
	return rc;
}

static int vol_prune(struct isola_mgr *m, int argc, char **argv)
{
	bool all = false;
	int c;
	while ((c = getopt(argc, argv, "+af")) != -1) {
		if (c == 'a')
			all = true;
		else if (c != 'f')
			return 2;
	}
	struct isola_error err = {0};
	char **removed = NULL;
	if (isola_volume_prune(m, all, &removed, &err) < 0)
		return ctr_fail(&err, 1);
	if (removed && *removed)
		printf("Deleted Volumes:\n");
	for (char **r = removed; r && *r; r++)
		printf("%s\n", *r);
	free_strv(removed);
	return 0;
}

int cmd_volume(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct isola_mgr *, int, char **);
	} subs[] = {{"create", vol_create},   {"ls", vol_ls}, {"list", vol_ls},
		    {"inspect", vol_inspect}, {"rm", vol_rm}, {"remove", vol_rm},
		    {"prune", vol_prune}};
	if (argc < 2)
		return cli_usage_error(
		    "volume: missing subcommand (create, ls, inspect, rm, prune)");
	for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		struct isola_mgr m;
		if (ctr_mgr_open(cli, &m, false) < 0)
			return 1;
		optind = 0;
		int rc = subs[i].fn(&m, argc - 1, argv + 1);
		isola_mgr_close(&m);
		return rc;
	}
	return cli_usage_error("volume: unknown subcommand \"%s\"", argv[1]);
}
