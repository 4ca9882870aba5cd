/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The public container API (include/isola/) as a front end sees it: built
 * with include/ as its only include directory, so an internal header can't
 * slip in. The status rules run on state directories made by hand: a stopped
 * container (a reaped pid) and one whose create never finished.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "isola/container.h"
#include "isola/oci.h"
#include "isola/supervise.h"
#include "tap.h"

static char root[] = "/tmp/isola-test-api.XXXXXX";

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* ct-stopped: complete state of a process that is gone; ct-creating: only the reserved dir. */
static void make_root(void)
{
	char dir[4096], state[1024];
	if (!mkdtemp(root))
		abort();
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	snprintf(dir, sizeof(dir), "%s/ct-stopped", root);
	mkdir(dir, 0711);
	snprintf(state, sizeof(state),
		 "{\"id\":\"ct-stopped\",\"pid\":%d,\"start_time\":1,\"bundle\":\"/b\","
		 "\"created\":\"2026-12-03T00:00:00Z\",\"owner\":0}",
		 (int)pid);
	write_file(dir, "state.json", state);
	struct isola_error err = {0};
	isola_spec_write(dir, false, &err); /* the config.json exec starts from */
	snprintf(dir, sizeof(dir), "%s/ct-creating", root);
	mkdir(dir, 0711);
}

static struct isola_rt rt(void)
{
	return (struct isola_rt){.root = root};
}

TEST(missing_container_does_not_exist)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	CHECK(isola_container_pause(&r, "nope", &err) < 0);
	CHECK(err.kind == ISOLA_ERR_NOT_FOUND);
	CHECK_STR(err.msg, "container \"nope\" does not exist");
}

TEST(stopped_container_is_not_running)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	CHECK(isola_container_pause(&r, "ct-stopped", &err) < 0 && err.kind == ISOLA_ERR_STATE);
	CHECK_STR(err.msg, "container not running");
	err = (struct isola_error){0};
	CHECK(isola_container_resume(&r, "ct-stopped", &err) < 0);
	CHECK_STR(err.msg, "container not running");
	err = (struct isola_error){0};
	CHECK(isola_container_update(&r, "ct-stopped", NULL, &err) < 0);
	CHECK_STR(err.msg, "container not running");
	struct isola_events_opts o = {.stats_once = true};
	err = (struct isola_error){0};
	CHECK(isola_container_events(&r, "ct-stopped", &o, &err) < 0);
	CHECK_STR(err.msg, "container not running");
}

TEST(ps_of_a_stopped_container_needs_its_cgroup)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	pid_t *pids = NULL;
	size_t n = 0;
	CHECK(isola_container_pids(&r, "ct-stopped", &pids, &n, &err) < 0);
	CHECK_STR(err.msg, "container ct-stopped has no cgroup");
	free(pids);
}

TEST(creating_container_is_named_in_the_error)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	CHECK(isola_container_pause(&r, "ct-creating", &err) < 0 && err.kind == ISOLA_ERR_STATE);
	CHECK_STR(err.msg, "container ct-creating is creating");
}

TEST(state_and_list)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	char *json = isola_container_state_json(&r, "ct-stopped", false, &err);
	CHECK(json && strstr(json, "\"status\":\"stopped\""));
	free(json);
	struct isola_container_info *v = NULL;
	size_t n = 9;
	CHECK(isola_container_list(&r, true, &v, &n, &err) == 0);
	CHECK(n == 1); /* the half-made one is not listed */
	if (n == 1) {
		CHECK_STR(v[0].id, "ct-stopped");
		CHECK_STR(v[0].status, "stopped");
		CHECK(v[0].pid == 0);
		CHECK(v[0].json && strstr(v[0].json, "\"bundle\":\"/b\""));
	}
	isola_container_list_free(v, n);
}

TEST(exec_overrides_are_checked)
{
	struct isola_rt r = rt();
	struct isola_error err = {0};
	char *args[] = {"true", NULL};
	struct isola_exec_opts o = {.id = "ct-stopped", .console_fd = -1};
	struct isola_exec_process p = {.args = args, .user = "root"};
	CHECK(isola_container_exec_process(&r, &o, &p, &err) < 0);
	CHECK_STR(err.msg, "invalid --user \"root\": expected UID[:GID]");
	char *caps[] = {"CAP_NOPE", NULL};
	p = (struct isola_exec_process){.args = args, .caps = caps};
	err = (struct isola_error){0};
	CHECK(isola_container_exec_process(&r, &o, &p, &err) < 0);
	CHECK_STR(err.msg, "unknown capability \"CAP_NOPE\"");
	p = (struct isola_exec_process){.args = args};
	err = (struct isola_error){0};
	CHECK(isola_container_exec_process(&r, &o, &p, &err) < 0);
	CHECK_STR(err.msg, "cannot exec in a stopped container");
}

TEST(no_pty_master_queued)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(isola_tty_take_master(sv[0]) == -1);
	close(sv[0]);
	close(sv[1]);
}

/* Layering: the runtime CLI is a front end like any other (docs/architecture.md). */
static bool cli_include_ok(const char *inc)
{
	static const char *const own[] = {"cli.h", "create-opts.h", "isola-version.h", NULL};
	if (strncmp(inc, "isola/", 6) == 0)
		return true;
	for (const char *const *o = own; *o; o++)
		if (strcmp(inc, *o) == 0)
			return true;
	return false;
}

TEST(runtime_cli_includes_only_public_headers)
{
	DIR *d = opendir(ISOLA_SOURCE_ROOT "/src/runtime");
	CHECK(d);
	struct dirent *e;
	int files = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 3 || e->d_name[len - 2] != '.' || !strchr("ch", e->d_name[len - 1]))
			continue;
		char path[4096], line[1024];
		snprintf(path, sizeof(path), ISOLA_SOURCE_ROOT "/src/runtime/%s", e->d_name);
		FILE *f = fopen(path, "re");
		files++;
		while (f && fgets(line, sizeof(line), f)) {
			char inc[256];
			if (sscanf(line, "#include \"%255[^\"]\"", inc) == 1 &&
			    !cli_include_ok(inc)) {
				printf("# %s includes \"%s\"\n", e->d_name, inc);
				CHECK(!"an internal header in the runtime CLI");
			}
		}
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	CHECK(files > 10);
}

int main(void)
{
	make_root();
	int rc = tap_run();
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
