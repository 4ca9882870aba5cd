/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isola-version.h"
#include "isola/settings.h"
#include "ctr.h"
#include "storage/storage.h"

struct verb {
	const char *name;
	cli_verb_fn fn;
	const char *help;
};

#ifdef ISOLA_FRONT
/* Verbs that need libcurl or libarchive: isola-image runs them. */
#define IMG(fn) cmd_delegated
static int cmd_delegated(struct cli *cli, int argc, char **argv)
{
	return cli_delegate(cli);
}
#else
#define IMG(fn) fn
#endif

static const struct verb verbs[] = {
    {"run", cmd_run, "create and start a container from an image"},
    {"create", cmd_create, "create a container from an image"},
    {"start", cmd_start, "start containers"},
    {"stop", cmd_stop, "stop containers (stop signal, then SIGKILL)"},
    {"restart", cmd_restart, "restart containers"},
    {"kill", cmd_kill, "send a signal to containers (default KILL)"},
    {"rm", cmd_rm, "remove containers"},
    {"ps", cmd_ps, "list containers"},
    {"ls", cmd_ps, "list containers (as ps)"},
    {"logs", cmd_logs, "show a container's output"},
    {"exec", cmd_exec, "run a command in a running container"},
    {"attach", cmd_attach, "attach to a running container's stdio"},
    {"pause", cmd_pause, "freeze containers"},
    {"unpause", cmd_unpause, "thaw containers"},
    {"freeze", cmd_pause, "freeze containers (as lxc-freeze)"},
    {"unfreeze", cmd_unpause, "thaw containers (as lxc-unfreeze)"},
    {"wait", cmd_wait, "wait for containers to stop; print their exit codes"},
    {"rename", cmd_rename, "rename a container"},
    {"top", cmd_top, "show the processes of a container"},
    {"stats", cmd_stats, "CPU, memory and pids of running containers"},
    {"info", cmd_info, "a container's state, pid and resource use (as lxc-info)"},
    {"events", cmd_events, "container events (as lxc-monitor)"},
    {"cp", IMG(cmd_cp), "copy files between a container and the host"},
    {"diff", IMG(cmd_diff), "what a container changed in its image's files"},
    {"commit", IMG(cmd_commit), "make an image of a container's changes"},
    {"export", IMG(cmd_export), "a container's root filesystem as a tar"},
    {"config", cmd_config, "show or (stopped) edit a container's configuration"},
    {"volume", cmd_volume, "create|ls|inspect|rm|prune named volumes"},
    {"network", cmd_network, "create|ls|inspect|rm|prune|connect|disconnect networks"},
    {"port", cmd_port, "list a container's published ports"},
    {"pull", IMG(cmd_pull), "pull an image from a registry"},
    {"push", IMG(cmd_push), "push an image to a registry"},
    {"images", cmd_images, "list images"},
    {"inspect", cmd_inspect, "show a container's or an image's details as JSON"},
    {"rmi", IMG(cmd_rmi), "remove images"},
    {"tag", IMG(cmd_tag), "add a name to an image"},
    {"import", IMG(cmd_import), "create an image from a root filesystem tarball or directory"},
    {"load", IMG(cmd_load), "load images from an OCI or docker archive"},
    {"save", IMG(cmd_save), "save an image to an OCI or docker archive"},
    {"login", IMG(cmd_login), "store credentials for a registry"},
    {"logout", IMG(cmd_logout), "remove stored credentials for a registry"},
    {"rootfs", IMG(cmd_rootfs), "create, mount and remove container root filesystems"},
};

/* `isola image VERB`: the docker-style long forms. */
static const struct verb image_verbs[] = {
    {"ls", cmd_images, NULL},
    {"list", cmd_images, NULL},
    {"inspect", cmd_image_inspect, NULL},
    {"rm", IMG(cmd_rmi), NULL},
    {"tag", IMG(cmd_tag), NULL},
    {"prune", IMG(cmd_prune), NULL},
    {"pull", IMG(cmd_pull), NULL},
    {"push", IMG(cmd_push), NULL},
    {"import", IMG(cmd_import), NULL},
    {"load", IMG(cmd_load), NULL},
    {"save", IMG(cmd_save), NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: isola [--root DIR] COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-9s %s\n", verbs[i].name, verbs[i].help);
	fprintf(f,
		"  container ls|create|run|start|stop|restart|kill|rm|logs|exec|attach|inspect\n");
	fprintf(f, "  image     ls|inspect|rm|tag|prune|pull|push|import|load|save\n"
		   "\nThe store is --root, else $ISOLA_ROOT, else " ISOLA_DEFAULT_ROOT ".\n");
}

int cli_fail(const struct isola_error *err)
{
	fprintf(stderr, "isola: %s\n", err->msg[0] ? err->msg : "unknown error");
	return 1;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("isola: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

struct isola_store *cli_store(struct cli *cli, int mode, struct isola_error *err)
{
	char cwd[4096], abs[8192];
	const char *root = cli->root;
	if (root[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		snprintf(abs, sizeof(abs), "%s/%s", cwd, root);
		root = abs;
	}
	struct isola_store *s = isola_store_open(root, mode, err);
	if (s)
		isola_storage_attach(s); /* prune and rmi keep what containers hold */
	return s;
}

static const struct verb *find_verb(const struct verb *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v[i].name, name))
			return &v[i];
	}
	return NULL;
}

static int dispatch(struct cli *cli, int argc, char **argv)
{
	const struct verb *v;
	if (!strcmp(argv[0], "container")) {
		if (argc < 2)
			return cli_usage_error("container: missing subcommand");
		v = find_verb(verbs, sizeof(verbs) / sizeof(verbs[0]), argv[1]);
		if (!v)
			return cli_usage_error("container: unknown subcommand \"%s\"", argv[1]);
		argc--;
		argv++;
	} else if (!strcmp(argv[0], "image")) {
		if (argc < 2)
			return cli_usage_error("image: missing subcommand");
		v = find_verb(image_verbs, sizeof(image_verbs) / sizeof(image_verbs[0]), argv[1]);
		if (!v)
			return cli_usage_error("image: unknown subcommand \"%s\"", argv[1]);
		argc--;
		argv++;
	} else {
		v = find_verb(verbs, sizeof(verbs) / sizeof(verbs[0]), argv[0]);
		if (!v)
			return cli_usage_error("unknown command \"%s\" (see isola --help)",
					       argv[0]);
	}
	optind = 0;
	return v->fn(cli, argc, argv);
}

/* The test knobs: the library reads no environment, the front end passes them in. */
static void settings_from_env(void)
{
	const char *e = getenv("ISOLA_MOUNT_COMPAT");
	isola_cgroup_set_root(getenv("ISOLA_CGROUP_ROOT"));
	if (e && strcmp(e, "1") == 0)
		isola_mount_set_compat(true);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"runroot", required_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {0},
	};
	struct cli cli = {.root = getenv("ISOLA_ROOT"), .prog = "isola", .argv = argv};
	int c;
	settings_from_env();
	if (!cli.root || !*cli.root)
		cli.root = ISOLA_DEFAULT_ROOT;
	cli.run = getenv("ISOLA_RUNROOT");
	if (!cli.run || !*cli.run)
		cli.run = "/run/isola";
	while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli.root = optarg;
			break;
		case 'R':
			cli.run = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("isola version %s (commit %s)\n", ISOLA_VERSION, ISOLA_COMMIT);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	return dispatch(&cli, argc - optind, argv + optind);
}
