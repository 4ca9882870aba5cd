/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctr.h"

/* `isola create` and `isola run` options, with docker's names and meanings. */

enum {
	O_RM = 256,
	O_NAME,
	O_ENV_FILE,
	O_ENTRYPOINT,
	O_LABEL,
	O_INIT,
	O_STOP_SIGNAL,
	O_STOP_TIMEOUT,
	O_DETACH_KEYS,
	O_SIG_PROXY,
	O_TMPFS,
	O_READ_ONLY,
	O_MEMORY_SWAP,
	O_CPUS,
	O_CPUSET,
	O_PIDS,
	O_ULIMIT,
	O_DEVICE,
	O_CAP_ADD,
	O_CAP_DROP,
	O_PRIVILEGED,
	O_SECURITY_OPT,
	O_RESTART,
	O_NETWORK,
	O_LOG_OPT,
	O_PULL,
	O_TLS,
	O_MOUNT,
	O_IP,
	O_IP6,
	O_MAC,
	O_ALIAS,
	O_DNS,
	O_DNS_SEARCH,
	O_DNS_OPT,
	O_ADD_HOST,
	O_USERNS,
	O_UIDMAP,
	O_GIDMAP,
};

static const struct option long_opts[] = {
    {"detach", no_argument, NULL, 'd'},
    {"interactive", no_argument, NULL, 'i'},
    {"tty", no_argument, NULL, 't'},
    {"rm", no_argument, NULL, O_RM},
    {"name", required_argument, NULL, O_NAME},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, O_ENV_FILE},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"entrypoint", required_argument, NULL, O_ENTRYPOINT},
    {"hostname", required_argument, NULL, 'h'},
    {"label", required_argument, NULL, 'l'},
    {"init", no_argument, NULL, O_INIT},
    {"stop-signal", required_argument, NULL, O_STOP_SIGNAL},
    {"stop-timeout", required_argument, NULL, O_STOP_TIMEOUT},
    {"detach-keys", required_argument, NULL, O_DETACH_KEYS},
    {"sig-proxy", optional_argument, NULL, O_SIG_PROXY},
    {"volume", required_argument, NULL, 'v'},
    {"mount", required_argument, NULL, O_MOUNT},
    {"tmpfs", required_argument, NULL, O_TMPFS},
    {"read-only", no_argument, NULL, O_READ_ONLY},
    {"memory", required_argument, NULL, 'm'},
    {"memory-swap", required_argument, NULL, O_MEMORY_SWAP},
    {"cpus", required_argument, NULL, O_CPUS},
    {"cpu-shares", required_argument, NULL, 'c'},
    {"cpuset-cpus", required_argument, NULL, O_CPUSET},
    {"pids-limit", required_argument, NULL, O_PIDS},
    {"ulimit", required_argument, NULL, O_ULIMIT},
    {"device", required_argument, NULL, O_DEVICE},
    {"cap-add", required_argument, NULL, O_CAP_ADD},
    {"cap-drop", required_argument, NULL, O_CAP_DROP},
    {"privileged", no_argument, NULL, O_PRIVILEGED},
    {"security-opt", required_argument, NULL, O_SECURITY_OPT},
    {"restart", required_argument, NULL, O_RESTART},
    {"network", required_argument, NULL, O_NETWORK},
    {"net", required_argument, NULL, O_NETWORK},
    {"ip", required_argument, NULL, O_IP},
    {"ip6", required_argument, NULL, O_IP6},
    {"mac-address", required_argument, NULL, O_MAC},
    {"network-alias", required_argument, NULL, O_ALIAS},
    {"net-alias", required_argument, NULL, O_ALIAS},
    {"dns", required_argument, NULL, O_DNS},
    {"dns-search", required_argument, NULL, O_DNS_SEARCH},
    {"dns-option", required_argument, NULL, O_DNS_OPT},
    {"add-host", required_argument, NULL, O_ADD_HOST},
    {"publish", required_argument, NULL, 'p'},
    {"publish-all", no_argument, NULL, 'P'},
    {"log-opt", required_argument, NULL, O_LOG_OPT},
    {"pull", required_argument, NULL, O_PULL},
    {"tls-verify", required_argument, NULL, O_TLS},
    {"userns", required_argument, NULL, O_USERNS},
    {"uidmap", required_argument, NULL, O_UIDMAP},
    {"gidmap", required_argument, NULL, O_GIDMAP},
    {"help", no_argument, NULL, 'H'},
    {0},
};

char **ctr_strv_push(char **v, const char *s)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	char **nv = realloc(v, (n + 2) * sizeof(char *));
	if (!nv)
		return v;
	nv[n] = strdup(s);
	nv[n + 1] = NULL;
	return nv;
}

/* docker's --env-file: KEY=VALUE lines, # comments, a bare KEY takes the caller's value. */
static int env_file(struct ctr_args *a, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return cli_usage_error("open env file \"%s\": %s", path, strerror(errno));
	char line[8192];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *s = line + strspn(line, " \t");
		if (!*s || *s == '#')
			continue;
		if (!strchr(s, '=')) {
			const char *v = getenv(s);
			if (!v)
				continue;
			char buf[8300];
			snprintf(buf, sizeof(buf), "%s=%s", s, v);
			a->o.env = ctr_strv_push(a->o.env, buf);
		} else {
			a->o.env = ctr_strv_push(a->o.env, s);
		}
	}
	fclose(f);
	return 0;
}

static int env_opt(struct ctr_args *a, const char *kv)
{
	if (strchr(kv, '=')) {
		a->o.env = ctr_strv_push(a->o.env, kv);
		return 0;
	}
	const char *v = getenv(kv); /* -e KEY: the caller's value, if any */
	if (v) {
		char buf[8300];
		snprintf(buf, sizeof(buf), "%s=%s", kv, v);
		a->o.env = ctr_strv_push(a->o.env, buf);
	}
	return 0;
}

static int bytes_opt(const char *flag, const char *v, int64_t *out)
{
	*out = isola_parse_bytes(v);
	if (*out < 0 && strcmp(v, "-1") == 0)
		return 0;
	if (*out < 0)
		return cli_usage_error("invalid %s \"%s\": expected a size like 512m or 1g", flag,
				       v);
	return 0;
}

static int num_opt(const char *flag, const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || !*v)
		return cli_usage_error("invalid %s \"%s\": expected a number", flag, v);
	*out = n;
	return 0;
}

static int cpus_opt(const char *v, int64_t *out)
{
	char *end;
	double d = strtod(v, &end);
	if (*end || !*v || d < 0 || d > 4096)
		return cli_usage_error("invalid --cpus \"%s\": expected a number like 1.5", v);
	*out = (int64_t)(d * 1e9);
	return 0;
}

/* --mount type=bind|tmpfs,source=..,target=..[,readonly] -> -v / --tmpfs */
static int mount_opt(struct ctr_args *a, const char *spec)
{
	char buf[4096], type[32] = "volume", src[2048] = "", dst[2048] = "";
	bool ro = false;
	snprintf(buf, sizeof(buf), "%s", spec);
	char *save;
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		const char *val = eq ? eq + 1 : "";
		if (eq)
			*eq = 0;
		if (!strcmp(kv, "type"))
			snprintf(type, sizeof(type), "%s", val);
		else if (!strcmp(kv, "source") || !strcmp(kv, "src"))
			snprintf(src, sizeof(src), "%s", val);
		else if (!strcmp(kv, "target") || !strcmp(kv, "destination") || !strcmp(kv, "dst"))
			snprintf(dst, sizeof(dst), "%s", val);
		else if (!strcmp(kv, "readonly") || !strcmp(kv, "ro"))
			ro = !eq || !strcmp(val, "true") || !strcmp(val, "1");
		else
			return cli_usage_error("invalid --mount field \"%s\"", kv);
	}
	if (!*dst)
		return cli_usage_error("invalid --mount \"%s\": target is required", spec);
	char out[4200];
	if (!strcmp(type, "tmpfs")) {
		a->o.tmpfs = ctr_strv_push(a->o.tmpfs, dst);
		return 0;
	}
	if (strcmp(type, "bind") && strcmp(type, "volume"))
		return cli_usage_error("--mount type=%s is not supported (bind, volume, tmpfs)",
				       type);
	if (!strcmp(type, "bind") && src[0] != '/')
		return cli_usage_error("--mount type=bind: source must be an absolute path");
	snprintf(out, sizeof(out), "%s:%s%s", src, dst, ro ? ":ro" : "");
	a->o.binds = ctr_strv_push(a->o.binds, out);
	return 0;
}

static int log_opt(struct ctr_args *a, const char *kv)
{
	if (!strncmp(kv, "max-size=", 9)) {
		if (isola_parse_bytes(kv + 9) <= 0)
			return cli_usage_error("invalid --log-opt \"%s\"", kv);
		a->o.log_max_size = kv + 9;
		return 0;
	}
	if (!strncmp(kv, "max-file=", 9)) {
		a->o.log_max_file = atoi(kv + 9);
		if (a->o.log_max_file < 1)
			return cli_usage_error("invalid --log-opt \"%s\"", kv);
		return 0;
	}
	return cli_usage_error("unknown --log-opt \"%s\" (max-size, max-file)", kv);
}

/* --network a,b or repeated --network: joined in order (eth0, eth1, ...). */
static int network_opt(struct ctr_args *a, const char *arg)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *save = NULL, *n = strtok_r(buf, ",", &save); n; n = strtok_r(NULL, ",", &save))
		a->o.networks = ctr_strv_push(a->o.networks, n);
	return 0;
}

/* docker's --add-host NAME:IP (IPv6 addresses keep their colons). */
static int add_host_opt(struct ctr_args *a, const char *arg)
{
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || !colon[1])
		return cli_usage_error("invalid --add-host \"%s\": want NAME:IP", arg);
	a->o.extra_hosts = ctr_strv_push(a->o.extra_hosts, arg);
	return 0;
}

static int opt_more(struct ctr_args *a, int c, const char *arg)
{
	switch (c) {
	case 'm':
		return bytes_opt("--memory", arg, &a->o.memory);
	case O_MEMORY_SWAP:
		return bytes_opt("--memory-swap", arg, &a->o.memory_swap);
	case O_CPUS:
		return cpus_opt(arg, &a->o.nano_cpus);
	case 'c':
		return num_opt("--cpu-shares", arg, &a->o.cpu_shares);
	case O_PIDS:
		return num_opt("--pids-limit", arg, &a->o.pids_limit);
	case O_CPUSET:
		a->o.cpuset_cpus = arg;
		return 0;
	case O_ULIMIT:
		a->o.ulimits = ctr_strv_push(a->o.ulimits, arg);
		return 0;
	case O_DEVICE:
		a->o.devices = ctr_strv_push(a->o.devices, arg);
		return 0;
	case O_CAP_ADD:
		a->o.cap_add = ctr_strv_push(a->o.cap_add, arg);
		return 0;
	case O_CAP_DROP:
		a->o.cap_drop = ctr_strv_push(a->o.cap_drop, arg);
		return 0;
	case O_PRIVILEGED:
		a->o.privileged = true;
		return 0;
	case O_SECURITY_OPT:
		a->o.security_opt = ctr_strv_push(a->o.security_opt, arg);
		return 0;
	case O_RESTART:
		a->o.restart = arg;
		return 0;
	case O_NETWORK:
		return network_opt(a, arg);
	case O_IP:
		a->o.ip = arg;
		return 0;
	case O_IP6:
		a->o.ip6 = arg;
		return 0;
	case O_MAC:
		a->o.mac = arg;
		return 0;
	case O_ALIAS:
		a->o.aliases = ctr_strv_push(a->o.aliases, arg);
		return 0;
	case O_DNS:
		a->o.dns = ctr_strv_push(a->o.dns, arg);
		return 0;
	case O_DNS_SEARCH:
		a->o.dns_search = ctr_strv_push(a->o.dns_search, arg);
		return 0;
	case O_DNS_OPT:
		a->o.dns_options = ctr_strv_push(a->o.dns_options, arg);
		return 0;
	case O_ADD_HOST:
		return add_host_opt(a, arg);
	case 'p':
		a->o.publish = ctr_strv_push(a->o.publish, arg);
		return 0;
	case 'P':
		a->o.publish_all = true;
		return 0;
	case O_LOG_OPT:
		return log_opt(a, arg);
	case O_PULL:
		a->pull = arg;
		return 0;
	case O_TLS:
		a->tls_verify = strcmp(arg, "false") != 0;
		return 0;
	case O_MOUNT:
		return mount_opt(a, arg);
	case O_DETACH_KEYS:
		a->detach_keys = arg;
		return 0;
	case O_USERNS:
		a->o.userns = arg;
		return 0;
	case O_UIDMAP:
		a->o.uidmap = ctr_strv_push(a->o.uidmap, arg);
		return 0;
	case O_GIDMAP:
		a->o.gidmap = ctr_strv_push(a->o.gidmap, arg);
		return 0;
	case O_SIG_PROXY:
		a->sig_proxy = !arg || strcmp(arg, "false") != 0;
		return 0;
	}
	return cli_usage_error("unknown option");
}

static int opt_one(struct ctr_args *a, int c, const char *arg)
{
	switch (c) {
	case 'd':
		a->detach = true;
		return 0;
	case 'i':
		a->o.interactive = true;
		return 0;
	case 't':
		a->o.tty = true;
		return 0;
	case O_RM:
		a->o.auto_remove = true;
		return 0;
	case O_NAME:
		a->o.name = arg;
		return 0;
	case 'e':
		return env_opt(a, arg);
	case O_ENV_FILE:
		return env_file(a, arg);
	case 'w':
		a->o.workdir = arg;
		return 0;
	case 'u':
		a->o.user = arg;
		return 0;
	case O_ENTRYPOINT:
		a->o.entrypoint_set = true;
		if (*arg)
			a->o.entrypoint = ctr_strv_push(a->o.entrypoint, arg);
		return 0;
	case 'h':
		a->o.hostname = arg;
		return 0;
	case 'l':
		a->o.labels = ctr_strv_push(a->o.labels, arg);
		return 0;
	case O_INIT:
		a->o.init = true;
		return 0;
	case O_STOP_SIGNAL:
		if (isola_signal_parse(arg) < 0)
			return cli_usage_error("invalid --stop-signal \"%s\"", arg);
		a->o.stop_signal = arg;
		return 0;
	case O_STOP_TIMEOUT: {
		int64_t v = 0;
		if (num_opt("--stop-timeout", arg, &v))
			return 2;
		a->o.stop_timeout = (int)v;
		return 0;
	}
	case 'v':
		a->o.binds = ctr_strv_push(a->o.binds, arg);
		return 0;
	case O_TMPFS:
		a->o.tmpfs = ctr_strv_push(a->o.tmpfs, arg);
		return 0;
	case O_READ_ONLY:
		a->o.read_only = true;
		return 0;
	}
	return opt_more(a, c, arg);
}

int ctr_args_parse(struct ctr_args *a, int argc, char **argv, bool run)
{
	int c;
	a->o.stop_timeout = -1;
	a->sig_proxy = true;
	a->tls_verify = true;
	while ((c = getopt_long(argc, argv, "+ditse:w:u:h:l:v:m:c:p:P", long_opts, NULL)) != -1) {
		if (c == 'H') {
			printf("usage: isola %s [OPTIONS] IMAGE [COMMAND [ARG...]]\n"
			       "(docker's options; see docs/isola.md)\n",
			       run ? "run" : "create");
			return -1;
		}
		if (c == '?' || c == ':')
			return 2;
		if (!run && c == 'd')
			return cli_usage_error("create: unknown option -d");
		int r = opt_one(a, c, optarg);
		if (r)
			return r;
	}
	if (optind >= argc)
		return cli_usage_error("%s: requires at least 1 argument (IMAGE)",
				       run ? "run" : "create");
	a->o.image = argv[optind];
	if (optind + 1 < argc) {
		for (int i = optind + 1; i < argc; i++)
			a->o.cmd = ctr_strv_push(a->o.cmd, argv[i]);
	}
	if (a->detach && a->o.auto_remove && a->o.restart && strcmp(a->o.restart, "no"))
		return cli_usage_error("conflicting options: --restart and --rm");
	return 0;
}

void ctr_args_release(struct ctr_args *a)
{
	char **lists[] = {a->o.cmd,	    a->o.entrypoint,  a->o.env,		 a->o.labels,
			  a->o.binds,	    a->o.tmpfs,	      a->o.cap_add,	 a->o.cap_drop,
			  a->o.devices,	    a->o.ulimits,     a->o.security_opt, a->o.networks,
			  a->o.aliases,	    a->o.publish,     a->o.dns,		 a->o.dns_search,
			  a->o.dns_options, a->o.extra_hosts, a->o.uidmap,	 a->o.gidmap};
	for (size_t i = 0; i < sizeof(lists) / sizeof(*lists); i++) {
		for (char **p = lists[i]; p && *p; p++)
			free(*p);
		free(lists[i]);
	}
}
