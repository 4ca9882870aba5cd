/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctr.h"
#include "storage/storage.h"

/*
 * `isola cp CONTAINER:SRC DEST|-` and `isola cp SRC|- CONTAINER:DEST`,
 * `isola export [-o FILE] CONTAINER`, `isola diff CONTAINER`. The host side
 * runs in a child of ours so both ends of the tar pipe move at once.
 */

/* A child that extracts the pipe below dir (host side), or tars path into it. */
static pid_t host_side(bool extract, int fd, int other, const char *dir, const char *path,
		       const char *from, const char *to)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	close(other); /* the pipe's other end: EOF must come when the far side is done */
	struct isola_error err = {0};
	int r = chdir(dir) < 0 ? isola_err_sys(&err, "\"%s\"", dir)
		: extract      ? isola_tar_extract(fd, from, to, &err)
			       : isola_tar_write(path, to, fd, &err);
	if (r < 0)
		fprintf(stderr, "isola: %s\n", err.msg);
	_exit(r < 0 ? 1 : 0);
}

static int wait_ok(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* docker's rule: into an existing directory keeps the name, else the name is DEST's. */
static void dest_parts(const char *dest, const char *src_base, char *dir, char *name, size_t size)
{
	struct stat st;
	char a[4096], b[4096];
	snprintf(a, sizeof(a), "%s", dest);
	snprintf(b, sizeof(b), "%s", dest);
	if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(dir, size, "%s", dest);
		snprintf(name, size, "%s", src_base);
	} else {
		snprintf(dir, size, "%s", dirname(a));
		snprintf(name, size, "%s", basename(b));
	}
}

static int copy_out(struct isola_mgr *m, const char *id, const char *src, const char *dest)
{
	struct isola_error err = {0};
	char s[4096], base[4096], dir[4096], name[4096];
	snprintf(s, sizeof(s), "%s", src);
	snprintf(base, sizeof(base), "%s", strcmp(src, "/") ? basename(s) : "rootfs");
	if (!strcmp(dest, "-"))
		return isola_ctr_tar_out(m, id, src, base, STDOUT_FILENO, &err) < 0
			   ? ctr_fail(&err, 1)
			   : 0;
	dest_parts(dest, base, dir, name, sizeof(dir));
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 1;
	pid_t child = host_side(true, p[0], p[1], dir, NULL, base, name);
	close(p[0]);
	int r = isola_ctr_tar_out(m, id, src, base, p[1], &err);
	close(p[1]);
	int c = wait_ok(child);
	return r < 0 ? ctr_fail(&err, 1) : c < 0 ? 1 : 0;
}

static int copy_in(struct isola_mgr *m, const char *id, const char *src, const char *dest)
{
	struct isola_error err = {0};
	char s[4096], d[4096], d2[4096], base[4096];
	snprintf(s, sizeof(s), "%s", src);
	snprintf(base, sizeof(base), "%s", basename(s));
	snprintf(d, sizeof(d), "%s", dest);
	snprintf(d2, sizeof(d2), "%s", dest);
	/* DEST ending in "/" or "." is a directory: keep SRC's name; else DEST names it. */
	size_t dl = strlen(dest);
	bool into = dl && (dest[dl - 1] == '/' || !strcmp(dest, ".") || !strcmp(dest, "/"));
	const char *cdir = into ? dest : dirname(d), *to = into ? base : basename(d2);
	if (!strcmp(src, "-"))
		return isola_ctr_tar_in(m, id, dest, NULL, NULL, STDIN_FILENO, &err) < 0
			   ? ctr_fail(&err, 1)
			   : 0;
	if (access(src, F_OK) < 0) {
		fprintf(stderr, "isola: \"%s\": %s\n", src, strerror(errno));
		return 1;
	}
	char sdir[4096];
	snprintf(sdir, sizeof(sdir), "%s", src);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return 1;
	pid_t child = host_side(false, p[1], p[0], dirname(sdir), base, NULL, base);
	close(p[1]);
	int r = isola_ctr_tar_in(m, id, cdir, base, to, p[0], &err);
	close(p[0]);
	int c = wait_ok(child);
	return r < 0 ? ctr_fail(&err, 1) : c < 0 ? 1 : 0;
}

/* "NAME:PATH" -> the container's id and PATH; 0 when arg names no container. */
static int split(struct isola_mgr *m, const char *arg, char id[65], const char **path)
{
	const char *colon = strchr(arg, ':');
	if (!colon || arg[0] == '/' || arg[0] == '.')
		return 0;
	char ref[256];
	snprintf(ref, sizeof(ref), "%.*s", (int)(colon - arg), arg);
	*path = colon + 1;
	return ctr_resolve(m, ref, id) < 0 ? -1 : 1;
}

int cmd_cp(struct cli *cli, int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error(
		    "cp: usage: isola cp CONTAINER:SRC DEST|-, or SRC|- CONTAINER:DEST");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char id[65];
	const char *path = NULL;
	int rc, a = split(&m, argv[1], id, &path);
	if (a < 0)
		rc = 1;
	else if (a > 0)
		rc = copy_out(&m, id, *path ? path : "/", argv[2]);
	else if ((a = split(&m, argv[2], id, &path)) > 0)
		rc = copy_in(&m, id, argv[1], *path ? path : "/");
	else
		rc = a < 0 ? 1 : cli_usage_error("cp: one side must be CONTAINER:PATH");
	isola_mgr_close(&m);
	return rc;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	const char *out = NULL;
	int c;
	while ((c = getopt(argc, argv, "+o:")) != -1) {
		if (c != 'o')
			return 2;
		out = optarg;
	}
	if (optind + 1 != argc)
		return cli_usage_error("export: requires exactly 1 argument");
	if (!out && isatty(STDOUT_FILENO))
		return cli_usage_error(
		    "export: refusing to write a tar to a terminal (use -o FILE)");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char id[65];
	struct isola_error err = {0};
	int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : STDOUT_FILENO;
	int rc = fd < 0 ? (fprintf(stderr, "isola: \"%s\": %s\n", out, strerror(errno)), 1)
		 : ctr_resolve(&m, argv[optind], id) < 0	     ? 1
		 : isola_ctr_tar_out(&m, id, "/", ".", fd, &err) < 0 ? ctr_fail(&err, 1)
								     : 0;
	if (out && fd >= 0)
		close(fd);
	isola_mgr_close(&m);
	return rc;
}

static void print_change(char kind, const char *path, void *data)
{
	printf("%c %s\n", kind, path);
}

static int diff_of(struct isola_mgr *m, const char *id, void *data)
{
	struct isola_error err = {0};
	return isola_rootfs_changes(m->store, id, print_change, NULL, &err) < 0 ? ctr_fail(&err, 1)
										: 0;
}

int cmd_diff(struct cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return cli_usage_error("diff: requires exactly 1 argument");
	return ctr_on_one(cli, argv[1], diff_of, NULL);
}

int cmd_commit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"message", required_argument, NULL, 'm'},
					     {"pause", optional_argument, NULL, 'p'},
					     {0}};
	const char *msg = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "+m:p", opts, NULL)) != -1) {
		if (c == 'm')
			msg = optarg;
		else if (c != 'p')
			return 2;
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error(
		    "commit: usage: isola commit [-m MSG] CONTAINER [NAME[:TAG]]");
	struct isola_mgr m;
	if (ctr_mgr_open(cli, &m, false) < 0)
		return 1;
	char id[65], image[ISOLA_DIGEST_MAX];
	struct isola_error err = {0};
	int rc = ctr_resolve(&m, argv[optind], id) < 0 ? 1
		 : isola_ctr_commit(&m, id, optind + 1 < argc ? argv[optind + 1] : NULL, msg, image,
				    &err) < 0
		     ? ctr_fail(&err, 1)
		     : (printf("%s\n", image), 0);
	isola_mgr_close(&m);
	return rc;
}
