/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../isola/cli.h"
#include "core/cleanup.h"
#include "net/net.h"
#include "netcli.h"
#include "updown.h"

/* `isola network ls|inspect|rm|prune` (create: net-create.c), as docker's. */

/* The stored inspect object (with Containers), or NULL after printing why. */
static struct json_object *inspect_obj(struct isola_netstore *s, const struct isola_network *n,
				       struct isola_error *err)
{
	cleanup_free char *text = isola_network_json(s, n, err);
	struct json_object *o = text ? json_tokener_parse(text) : NULL;
	if (text && !o)
		isola_err(err, ISOLA_ERR_INVALID, 0, "network %s: corrupt record", n->name);
	return o;
}

static int net_inspect(struct isola_netstore *s, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0}};
	const char *format = NULL;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f')
			return net_bad_flag("network inspect", argv);
		format = optarg;
	}
	if (optind >= argc)
		return net_usage("network inspect: requires at least 1 argument");
	struct json_object *arr = json_object_new_array();
	for (int i = optind; i < argc; i++) {
		struct isola_error err = {0};
		struct isola_network n;
		struct json_object *o = NULL;
		if (isola_network_load(s, argv[i], &n, &err) == 0)
			o = inspect_obj(s, &n, &err);
		if (!o) {
			rc = net_fail(&err);
			continue;
		}
		if (format) {
			cli_template(format, o, stdout);
			putchar('\n');
		}
		json_object_array_add(arr, o);
	}
	if (!format)
		printf("%s\n", json_object_to_json_string_ext(
				   arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return rc;
}

/* Each name, as docker prints them; an error on one does not stop the rest. */
static int net_rm(struct isola_netstore *s, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
	bool force = false;
	int c, rc = 0;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return net_bad_flag("network rm", argv);
		force = true;
	}
	if (optind >= argc)
		return net_usage("network rm: requires at least 1 argument");
	for (int i = optind; i < argc; i++) {
		struct isola_error err = {0};
		struct isola_network n;
		if (isola_network_load(s, argv[i], &n, &err) < 0 ||
		    isola_network_remove(s, n.name, &err) < 0) {
			/* docker's -f: a network that does not exist is not an error */
			if (!force || err.kind != ISOLA_ERR_NOT_FOUND)
				rc = net_fail(&err);
			continue;
		}
		net_teardown(&n);
		printf("%s\n", argv[i]);
	}
	return rc;
}

static bool confirm(const char *what)
{
	char line[64];
	fprintf(stdout,
		"WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ",
		what);
	fflush(stdout);
	return fgets(line, sizeof(line), stdin) && (line[0] == 'y' || line[0] == 'Y');
}

static int net_prune(struct isola_netstore *s, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {0}};
	bool force = false;
	int c;
	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return net_bad_flag("network prune", argv);
		force = true;
	}
	if (!force && !confirm("custom networks not used by at least one container"))
		return 0;
	struct isola_error err = {0};
	cleanup_free struct isola_network *all = NULL;
	size_t cnt = 0, done = 0;
	if (isola_network_list(s, &all, &cnt, &err) < 0)
		return net_fail(&err);
	for (size_t i = 0; i < cnt; i++) {
		/* In use or the default network: the library says no, and prune skips it. */
		if (!strcmp(all[i].name, ISOLA_NET_DEFAULT) ||
		    isola_network_remove(s, all[i].name, NULL) < 0)
			continue;
		net_teardown(&all[i]);
		printf("%s%s\n", done++ ? "" : "Deleted Networks:\n", all[i].name);
	}
	return 0;
}

static int net_connect(struct isola_netstore *s, int argc, char **argv)
{
	return net_connect_main(argc, argv, true);
}

static int net_disconnect(struct isola_netstore *s, int argc, char **argv)
{
	return net_connect_main(argc, argv, false);
}

int cmd_network(struct netcli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct isola_netstore *, int, char **);
	} subs[] = {
	    {"create", net_create},   {"ls", net_ls},		{"list", net_ls},
	    {"inspect", net_inspect}, {"rm", net_rm},		{"remove", net_rm},
	    {"prune", net_prune},     {"connect", net_connect}, {"disconnect", net_disconnect}};
	if (argc < 2)
		return net_usage("network: missing subcommand (create, ls, inspect, rm, prune)");
	for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++) {
		if (strcmp(argv[1], subs[i].name))
			continue;
		struct isola_error err = {0};
		struct isola_network def;
		struct isola_netstore *s = isola_netstore_open(cli->root, &err);
		/* The default network is always there, as docker's "bridge". */
		if (!s || isola_network_ensure_default(s, &def, &err) < 0) {
			isola_netstore_close(s);
			return net_fail(&err);
		}
		optind = 0;
		int rc = subs[i].fn(s, argc - 1, argv + 1);
		isola_netstore_close(s);
		return rc;
	}
	return net_usage("network: unknown subcommand \"%s\"", argv[1]);
}
