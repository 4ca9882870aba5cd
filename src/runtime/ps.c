/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static bool has_pid(const pid_t *pids, size_t n, pid_t p)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == p)
			return true;
	return false;
}

/* As runc: run ps(1) with the given options, keep its header and the container's lines. */
static int run_ps(struct cli *cli, char **psargs, const pid_t *pids, size_t n)
{
	int p[2];
	if (pipe(p) < 0)
		return cli_failf(cli, "pipe: %m");
	pid_t child = fork();
	if (child == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp("ps", psargs);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[4096];
	int pidcol = -1;
	for (int i = 0; f && fgets(line, sizeof(line), f); i++) {
		if (i == 0) {
			char *tok, *save = NULL, hdr[4096];
			strcpy(hdr, line);
			int col = 0;
			for (tok = strtok_r(hdr, " \t\n", &save); tok;
			     tok = strtok_r(NULL, " \t\n", &save), col++)
				if (strcmp(tok, "PID") == 0)
					pidcol = col;
			fputs(line, stdout);
			continue;
		}
		char copy[4096], *save = NULL, *tok = NULL;
		strcpy(copy, line);
		tok = strtok_r(copy, " \t\n", &save);
		for (int col = 0; tok && col < pidcol; col++)
			tok = strtok_r(NULL, " \t\n", &save);
		if (tok && has_pid(pids, n, (pid_t)atoi(tok)))
			fputs(line, stdout);
	}
	if (f)
		fclose(f);
	int status;
	waitpid(child, &status, 0);
	if (pidcol < 0)
		return cli_failf(cli, "ps: couldn't find the PID column");
	return 0;
}

VERB(ps)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {0}};
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_usage(cli, 1);
		json = strcmp(optarg, "json") == 0;
	}
	if (!cli_nargs(cli, argc, optind, 1, -1))
		return 1;
	struct isola_error err = {0};
	pid_t *pids = NULL;
	size_t n = 0;
	int rc = 0;
	if (isola_container_pids(&cli->rt, argv[optind], &pids, &n, &err) < 0) {
		rc = cli_fail(cli, &err);
	} else if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
	} else {
		char *psargs[64] = {"ps"};
		int k = 1;
		if (optind + 1 >= argc)
			psargs[k++] = "-ef";
		for (int i = optind + 1; i < argc && k < 63; i++)
			if (strcmp(argv[i], "--") != 0)
				psargs[k++] = argv[i];
		rc = run_ps(cli, psargs, pids, n);
	}
	free(pids);
	return rc;
}
