/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* isola-runtime: an OCI runtime with runc's command line. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "isola-version.h"
#include "isola/oci.h"
#include "isola/settings.h"
#include "isola/util.h"

static const struct cli_verb verbs[] = {
    {"checkpoint", verb_checkpoint, "[options] <container-id>", "checkpoint a running container"},
    {"create", verb_create, "[options] <container-id>",
     "  -b, --bundle DIR         bundle directory (default: current directory)\n"
     "      --console-socket S   unix socket that receives the pty master\n"
     "      --pid-file FILE      write the init's pid to FILE\n"
     "      --no-pivot           use move+chroot instead of pivot_root\n"
     "      --no-new-keyring     keep the caller's session keyring\n"
     "      --preserve-fds N     pass N extra fds (from 3) to the container\n"},
    {"delete", verb_delete, "[-f|--force] <container-id>",
     "  -f, --force   kill a running container first\n"},
    {"events", verb_events, "[--stats] [--interval D] <container-id>",
     "      --stats          print stats once and exit\n"
     "      --interval D     stats interval (default 5s)\n"},
    {"exec", verb_exec, "[options] <container-id> [command [args...]]",
     "  -p, --process FILE       process.json to run\n"
     "  -d, --detach             don't wait for the process\n"
     "  -t, --tty                allocate a pty\n"
     "      --console-socket S   unix socket that receives the pty master\n"
     "      --pid-file FILE      write the process pid to FILE\n"
     "      --cwd DIR            working directory\n"
     "  -e, --env K=V            set an environment variable\n"
     "  -u, --user UID[:GID]     run as this user\n"
     "  -g, --additional-gids G  extra group\n"
     "  -c, --cap CAP            add a capability\n"
     "      --no-new-privs       set no_new_privs\n"
     "      --apparmor P         AppArmor profile\n"
     "      --process-label L    SELinux label\n"
     "      --preserve-fds N     pass N extra fds\n"
     "      --cgroup [CTRL:]PATH run in this existing sub-cgroup of the container's\n"
     "                           (\"/\": the container's own cgroup)\n"
     "      --ignore-paused      exec into a paused container (starts frozen)\n"},
    {"features", verb_features, "", "print the features this runtime implements (JSON)\n"},
    {"kill", verb_kill, "[-a|--all] <container-id> [signal]",
     "  -a, --all   signal every process of the container\n"},
    {"list", verb_list, "[-q] [--format table|json]",
     "  -q, --quiet        ids only\n  -f, --format F     table or json\n"},
    {"pause", verb_pause, "<container-id>", "freeze every process of the container\n"},
    {"ps", verb_ps, "[--format table|json] <container-id> [ps options]",
     "  -f, --format F   table or json\n"},
    {"restore", verb_restore, "[options] <container-id>", "restore a checkpoint\n"},
    {"resume", verb_resume, "<container-id>", "thaw a paused container\n"},
    {"run", verb_run, "[options] <container-id>",
     "  -b, --bundle DIR, --console-socket S, --pid-file FILE, --no-pivot,\n"
     "  --no-new-keyring, --preserve-fds N  as for create\n"
     "  -d, --detach   don't wait for the container\n"
     "      --keep     don't delete the container when its process exits\n"
     "      --no-subreaper  don't take in the container's orphaned processes\n"},
    {"spec", verb_spec, "[--rootless] [-b DIR]",
     "      --rootless   a config for a rootless container\n"
     "  -b, --bundle DIR  where to write config.json\n"},
    {"start", verb_start, "<container-id>", "start a created container\n"},
    {"state", verb_state, "<container-id>", "print the state JSON\n"},
    {"update", verb_update, "[options] <container-id>",
     "  -r, --resources FILE   linux.resources JSON (- for stdin)\n"
     "  --memory, --memory-swap, --memory-reservation, --cpu-shares, --cpu-quota,\n"
     "  --cpu-period, --cpuset-cpus, --cpuset-mems, --pids-limit, --blkio-weight\n"},
};

/*
 * msg inside double quotes, one line: quotes and backslashes escaped, as
 * logrus does in both formats (our messages quote paths); control characters
 * as a JSON \u escape, or in text as "\n" and the like.
 */
static void put_quoted(FILE *f, const char *msg, bool json)
{
	for (const char *p = msg; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 && json)
			fprintf(f, "\\u%04x", c);
		else if (c < 0x20)
			fprintf(f, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void log_line(struct cli *cli, const char *level, const char *msg)
{
	if (!cli->log_path)
		return;
	int fd = open(cli->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	char ts[64];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	isola_rfc3339(&now, false, ts, sizeof(ts));
	FILE *f = fdopen(fd, "a");
	if (!f) {
		close(fd);
		return;
	}
	if (cli->log_json) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
		put_quoted(f, msg, true);
		fprintf(f, "\",\"time\":\"%s\"}\n", ts);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"", ts, level);
		put_quoted(f, msg, false);
		fputs("\"\n", f);
	}
	fclose(f);
}

int cli_fail(struct cli *cli, const struct isola_error *err)
{
	fprintf(stderr, "isola-runtime: %s\n", err->msg);
	log_line(cli, "error", err->msg);
	return 1;
}

int cli_failf(struct cli *cli, const char *fmt, ...)
{
	struct isola_error e = {0};
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	return cli_fail(cli, &e);
}

void cli_warn(struct cli *cli, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "isola-runtime: warning: %s\n", msg);
	log_line(cli, "warning", msg);
}

/* The library's warnings (failing poststop hooks...) go where cli_warn's do. */
static void lib_warn(void *data, const char *msg)
{
	cli_warn(data, "%s", msg);
}

void cli_debug(struct cli *cli, const char *fmt, ...)
{
	if (!cli->debug || !cli->log_path)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(cli, "debug", msg);
}

static const struct cli_verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

int cli_usage(struct cli *cli, int code)
{
	const struct cli_verb *v = find_verb(cli->verb);
	FILE *out = code == 0 ? stdout : stderr;
	if (v)
		fprintf(out, "usage: isola-runtime %s %s\n%s", v->name, v->usage, v->help);
	return code;
}

bool cli_nargs(struct cli *cli, int argc, int optind_, int min, int max)
{
	int n = argc - optind_;
	if (n >= min && (max < 0 || n <= max))
		return true;
	cli_failf(cli, "%s: expected %s argument(s), got %d (see --help)", cli->verb,
		  min == max ? (min == 1 ? "1" : "0") : "more", n);
	return false;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: isola-runtime [global options] <command> [options] [args]\n\n"
		     "global options:\n"
		     "  --root DIR           state directory (default /run/isola-runtime)\n"
		     "  --log FILE           log file\n"
		     "  --log-format F       text or json\n"
		     "  --debug              debug logging\n"
		     "  --systemd-cgroup     cgroupsPath is slice:prefix:name\n"
		     "  --rootless BOOL      rootless mode (auto, true, false)\n"
		     "  -v, --version        print the version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(out, "  %s\n", verbs[i].name);
}

static int version(void)
{
	printf("isola-runtime version %s\ncommit: %s\nspec: %s\n", ISOLA_VERSION, ISOLA_COMMIT,
	       ISOLA_OCI_VERSION);
	return 0;
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };

static int parse_global(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"log", required_argument, NULL, OPT_LOG},
	    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	    {"debug", no_argument, NULL, OPT_DEBUG},
	    {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
	    {"rootless", required_argument, NULL, OPT_ROOTLESS},
	    {"criu", required_argument, NULL, OPT_CRIU},
	    {"version", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			cli->rt.root = optarg;
			break;
		case OPT_LOG:
			cli->log_path = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return cli_failf(cli, "invalid --log-format \"%s\"", optarg) ? -1
											     : -1;
			cli->log_json = strcmp(optarg, "json") == 0;
			break;
		case OPT_DEBUG:
			cli->debug = true;
			break;
		case OPT_SYSTEMD:
			cli->rt.systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
			cli->rt.rootless = strcmp(optarg, "true") == 0 ||
					   (strcmp(optarg, "auto") == 0 && geteuid() != 0);
			break;
		case OPT_CRIU:
			break;
		case 'v':
			exit(version());
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	return optind;
}

/* As runc: root uses /run; a normal user $XDG_RUNTIME_DIR (or a per-user dir in /tmp). */
/*
 * The test knobs: the library reads no environment, the front end passes
 * them in. One pass over environ for both: this runs before every verb.
 */
static void settings_from_env(void)
{
	for (char **e = environ; e && *e; e++) {
		if ((*e)[0] != 'I' || strncmp(*e, "ISOLA_", 6) != 0)
			continue;
		if (strncmp(*e + 6, "CGROUP_ROOT=", 12) == 0)
			isola_cgroup_set_root(*e + 18);
		else if (strcmp(*e + 6, "MOUNT_COMPAT=1") == 0)
			isola_mount_set_compat(true);
	}
}

static const char *default_root(void)
{
	static char buf[4096];
	if (geteuid() == 0)
		return "/run/isola-runtime";
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg && *xdg)
		snprintf(buf, sizeof(buf), "%s/isola-runtime", xdg);
	else
		snprintf(buf, sizeof(buf), "/tmp/isola-runtime-%u", (unsigned)geteuid());
	return buf;
}

int main(int argc, char **argv)
{
	struct cli cli = {.rt = {.root = default_root(), .rootless = geteuid() != 0}, .verb = ""};
	cli.rt.warn = lib_warn;
	cli.rt.prog = "isola-runtime";
	settings_from_env();
	cli.rt.warn_data = &cli;
	int first = parse_global(&cli, argc, argv);
	if (first < 0)
		return 1;
	if (first >= argc) {
		usage(stderr);
		return 1;
	}
	cli.verb = argv[first];
	const struct cli_verb *v = find_verb(cli.verb);
	if (!v)
		return cli_failf(&cli, "unknown command \"%s\" (see --help)", cli.verb);
	int vargc = argc - first;
	char **vargv = argv + first;
	/* Help only among the leading options: exec and ps pass "-h" on to the command. */
	for (int i = 1; i < vargc && vargv[i][0] == '-' && strcmp(vargv[i], "--") != 0; i++)
		if (strcmp(vargv[i], "--help") == 0 || strcmp(vargv[i], "-h") == 0)
			return cli_usage(&cli, 0);
	/*
	 * 0, not 1: glibc then sets up getopt afresh and takes the verb's own
	 * ordering. Most verbs permute (options after the id are accepted, as runc
	 * reorders them); exec and ps stop at the first argument ("+"), since what
	 * follows the id is the command's own.
	 */
	optind = 0;
	return v->run(&cli, vargc, vargv);
}

int cli_signal(const char *s)
{
	return isola_signal_from_name(s);
}
