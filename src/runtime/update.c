/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "512", "64k", "100m", "1g" -> bytes; -1 ("unlimited") allowed. */
static int parse_bytes(const char *s, long long *out)
{
	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return -1;
	long long mul = 1;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		mul = 1LL << 10;
		end++;
		break;
	case 'm':
		mul = 1LL << 20;
		end++;
		break;
	case 'g':
		mul = 1LL << 30;
		end++;
		break;
	case 't':
		mul = 1LL << 40;
		end++;
		break;
	default:
		break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (*end)
		return -1;
	*out = (long long)(v * (double)mul);
	return 0;
}

static struct json_object *section(struct json_object *root, const char *name)
{
	struct json_object *o;
	if (!json_object_object_get_ex(root, name, &o)) {
		o = json_object_new_object();
		json_object_object_add(root, name, o);
	}
	return o;
}

struct flag {
	const char *name, *section, *key;
	char kind; /* 'b' bytes, 'i' integer, 's' string */
};

static const struct flag flags[] = {
    {"memory", "memory", "limit", 'b'},
    {"memory-swap", "memory", "swap", 'b'},
    {"memory-reservation", "memory", "reservation", 'b'},
    {"kernel-memory", "memory", "kernel", 'b'},
    {"kernel-memory-tcp", "memory", "kernelTCP", 'b'},
    {"cpu-shares", "cpu", "shares", 'i'},
    {"cpu-quota", "cpu", "quota", 'i'},
    {"cpu-period", "cpu", "period", 'i'},
    {"cpu-rt-period", "cpu", "realtimePeriod", 'i'},
    {"cpu-rt-runtime", "cpu", "realtimeRuntime", 'i'},
    {"cpuset-cpus", "cpu", "cpus", 's'},
    {"cpuset-mems", "cpu", "mems", 's'},
    {"pids-limit", "pids", "limit", 'i'},
    {"blkio-weight", "blockIO", "weight", 'i'},
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static int add_flag(struct cli *cli, struct json_object *res, const struct flag *f, const char *v)
{
	struct json_object *sec = section(res, f->section);
	long long n;
	char *end;
	if (f->kind == 's') {
		json_object_object_add(sec, f->key, json_object_new_string(v));
		return 0;
	}
	if (f->kind == 'b' ? parse_bytes(v, &n) < 0 : ((n = strtoll(v, &end, 10)), *end || !*v))
		return cli_failf(cli, "invalid --%s \"%s\"", f->name, v);
	json_object_object_add(sec, f->key, json_object_new_int64(n));
	return 0;
}

/* The whole file (or stdin), parsed; the open error as the library words it. */
static struct json_object *read_resources(struct cli *cli, const char *file)
{
	const char *path = strcmp(file, "-") == 0 ? "/dev/stdin" : file;
	FILE *f = fopen(path, "re");
	if (!f) {
		cli_failf(cli, "open \"%s\": %s", path, strerror(errno));
		return NULL;
	}
	char *text = NULL;
	size_t cap = 0;
	FILE *mem = open_memstream(&text, &cap);
	char buf[4096];
	size_t n;
	while (mem && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, mem);
	bool bad = !mem || ferror(f);
	if (mem)
		fclose(mem);
	fclose(f);
	struct json_object *o = bad ? NULL : json_tokener_parse(text);
	free(text);
	if (bad)
		cli_failf(cli, "read \"%s\": %s", path, strerror(errno));
	else if (!o)
		cli_failf(cli, "--resources: invalid JSON");
	return o;
}

VERB(update)
{
	struct option opts[NFLAGS + 2] = {{"resources", required_argument, NULL, 'r'}};
	for (size_t i = 0; i < NFLAGS; i++)
		opts[i + 1] = (struct option){flags[i].name, required_argument, NULL, 256 + (int)i};
	struct json_object *res = json_object_new_object();
	const char *file = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
		int bad = 0;
		if (c == 'r')
			file = optarg;
		else if (c >= 256 && c < 256 + (int)NFLAGS)
			bad = add_flag(cli, res, &flags[c - 256], optarg);
		else
			bad = cli_usage(cli, 1);
		if (bad) {
			json_object_put(res);
			return bad;
		}
	}
	if (!cli_nargs(cli, argc, optind, 1, 1)) {
		json_object_put(res);
		return 1;
	}
	if (file) {
		json_object_put(res);
		if (!(res = read_resources(cli, file)))
			return 1;
	}
	struct isola_error err = {0};
	int rc = 0;
	if (isola_container_update(&cli->rt, argv[optind], res, &err) < 0)
		rc = cli_fail(cli, &err);
	json_object_put(res);
	return rc;
}
