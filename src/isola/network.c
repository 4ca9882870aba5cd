/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "ctr.h"

/*
 * `isola network ...` runs in isola-net (libexec), the one program linked
 * with libnftables and libmnl; the store and run root go with it in the
 * environment. `isola port` reads the record here.
 */
int cmd_network(struct cli *cli, int argc, char **argv)
{
	char path[4096], cwd[4096], abs[8192];
	const char *root = cli->root;
	if (root[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		snprintf(abs, sizeof(abs), "%s/%s", cwd, root);
		root = abs;
	}
	cli_helper_path("net/isola-net", "isola-net", path, sizeof(path));
	setenv("ISOLA_ROOT", root, 1);
	setenv("ISOLA_RUNROOT", cli->run, 1);
	char **args = calloc((size_t)argc + 2, sizeof(char *));
	if (!args)
		return 125;
	args[0] = (char *)"isola-net";
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	fflush(stdout);
	execv(path, args);
	fprintf(stderr, "isola: cannot run \"%s\": %s\n", path, strerror(errno));
	free(args);
	return 125;
}

struct port_query {
	const char *want; /* "80" or "80/udp", or NULL: all */
	int found;
};

static int port_of(struct isola_mgr *m, const char *id, void *data)
{
	struct port_query *q = data;
	struct isola_error err = {0};
	struct json_object *rec = isola_ctr_load(m, id, &err), *ns, *ports;
	if (!rec)
		return ctr_fail(&err, 1);
	char want[32] = "";
	if (q->want)
		snprintf(want, sizeof(want), "%s%s", q->want, strchr(q->want, '/') ? "" : "/tcp");
	bool running = !strcmp(isola_ctr_status(m, rec), "running");
	if (running && json_object_object_get_ex(rec, "NetworkSettings", &ns) &&
	    json_object_object_get_ex(ns, "Ports", &ports)) {
		json_object_object_foreach(ports, key, list)
		{
			if (*want && strcmp(key, want) != 0)
				continue;
			for (size_t i = 0; i < json_object_array_length(list); i++) {
				struct json_object *b = json_object_array_get_idx(list, i), *ip,
						   *hp;
				json_object_object_get_ex(b, "HostIp", &ip);
				json_object_object_get_ex(b, "HostPort", &hp);
				const char *ips = json_object_get_string(ip);
				bool v6 = ips && strchr(ips, ':');
				if (*want)
					printf("%s%s%s:%s\n", v6 ? "[" : "", ips, v6 ? "]" : "",
					       json_object_get_string(hp));
				else
					printf("%s -> %s%s%s:%s\n", key, v6 ? "[" : "", ips,
					       v6 ? "]" : "", json_object_get_string(hp));
				q->found++;
			}
		}
	}
	json_object_put(rec);
	if (*want && !q->found) {
		fprintf(stderr, "isola: no public port '%s' published for %s\n", want, id);
		return 1;
	}
	return 0;
}

/* docker port NAME [PRIVATE_PORT[/PROTO]] */
int cmd_port(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || argc > 3)
		return cli_usage_error("port: usage: isola port CONTAINER [PRIVATE_PORT[/PROTO]]");
	struct port_query q = {argc == 3 ? argv[2] : NULL, 0};
	return ctr_on_one(cli, argv[1], port_of, &q);
}
