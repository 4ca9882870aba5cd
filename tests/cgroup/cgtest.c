/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgtest: drives libisola's cgroup manager from shell tests.
 *   cgtest STATE create ID [PATH] [RESOURCES-JSON]   (state saved to the file STATE)
 *   cgtest STATE enter PID | update JSON | freeze | thaw | frozen | pids | kill SIG
 *   cgtest STATE destroy | stats | oomcount | oomwait MS | dir [CONTROLLER] | layout
 *   cgtest STATE mount DIR [ro] | spawn (clone3 CLONE_INTO_CGROUP a sleep) | jointime
 * Warnings go to stderr as "warning: ...", errors as "error: ..." with exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "isola/settings.h"

static void warn_cb(void *data, const char *msg)
{
	fprintf(stderr, "warning: %s\n", msg);
}

static int fail(const struct isola_error *err)
{
	fprintf(stderr, "error: %s\n", err->msg);
	return 1;
}

static struct isola_resources *parse_res(const char *text, struct isola_error *err)
{
	struct json_object *o = json_tokener_parse(text);
	if (!o) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "resources: bad JSON");
		return NULL;
	}
	struct isola_resources *r = isola_resources_parse(o, "linux.resources", err);
	json_object_put(o);
	return r;
}

static int save(const char *file, const struct isola_cgroup *cg)
{
	char *s = isola_cgroup_save(cg);
	FILE *f = fopen(file, "we");
	if (!s || !f)
		return 1;
	fputs(s, f);
	fclose(f);
	free(s);
	return 0;
}

static struct isola_cgroup *load(const char *file, struct isola_error *err)
{
	char buf[65536];
	FILE *f = fopen(file, "re");
	size_t n;
	if (!f) {
		isola_err_sys(err, "open \"%s\"", file);
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	struct isola_cgroup *cg = isola_cgroup_load(buf, err);
	if (cg)
		isola_cgroup_set_warn(cg, warn_cb, NULL);
	return cg;
}

static int do_create(const char *state, int argc, char **argv, struct isola_error *err)
{
	struct isola_cgroup_opts o = {.id = argv[0], .warn = warn_cb};
	struct isola_resources *r = NULL;
	struct isola_cgroup *cg = NULL;
	if (argc > 1 && argv[1][0])
		o.cgroups_path = argv[1];
	if (argc > 2 && !(r = parse_res(argv[2], err)))
		return fail(err);
	o.resources = r;
	o.systemd = getenv("CGTEST_SYSTEMD") != NULL;
	o.rootless = getenv("CGTEST_ROOTLESS") != NULL;
	int rc = isola_cgroup_create(&o, &cg, err);
	isola_resources_free(r);
	if (rc < 0)
		return fail(err);
	rc = save(state, cg);
	isola_cgroup_free(cg);
	return rc;
}

static int do_pids(struct isola_cgroup *cg, struct isola_error *err)
{
	pid_t *pids;
	size_t n;
	if (isola_cgroup_pids(cg, &pids, &n, err) < 0)
		return fail(err);
	for (size_t i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	free(pids);
	return 0;
}

static int do_oomwait(struct isola_cgroup *cg, int ms, struct isola_error *err)
{
	int fd = isola_cgroup_oom_fd(cg, err);
	if (fd < 0)
		return fail(err);
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLPRI};
	int r = poll(&p, 1, ms);
	close(fd);
	printf("%s\n", r > 0 ? "event" : "timeout");
	return 0;
}

/* fork, or clone3 straight into the v2 leaf when cgfd >= 0. */
static pid_t fork_into(int cgfd)
{
	struct clone_args ca = {.flags = cgfd >= 0 ? CLONE_INTO_CGROUP : 0,
				.exit_signal = SIGCHLD,
				.cgroup = (uint64_t)(cgfd >= 0 ? cgfd : 0)};
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

/*
 * Start a sleeping child the fast way: clone3(CLONE_INTO_CGROUP) into the v2
 * leaf when there is one, then the child joins the rest itself; print its pid.
 */
static int do_spawn(struct isola_cgroup *cg, struct isola_error *err)
{
	int fd = isola_cgroup_clone_fd(cg);
	pid_t pid = fork_into(fd);
	if (pid < 0)
		return isola_err_sys(err, "clone3"), fail(err);
	if (pid == 0) {
		struct isola_error e = {0};
		if (isola_cgroup_enter_self(cg, fd >= 0, &e) < 0) {
			fprintf(stderr, "error: %s\n", e.msg);
			_exit(126);
		}
		/* let $(cgtest ... spawn) return: the sleeper must not hold the pipe */
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		execlp("sleep", "sleep", "100", (char *)NULL);
		_exit(127);
	}
	printf("%d\n", (int)pid);
	return 0;
}

static int do_mount(struct isola_cgroup *cg, int argc, char **argv, struct isola_error *err)
{
	int fd = open(argv[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (fd < 0)
		return isola_err_sys(err, "open \"%s\"", argv[0]), fail(err);
	if (argc > 1 && strcmp(argv[1], "ro") == 0)
		fl |= MS_RDONLY;
	int r = isola_cgroup_mount(cg, fd, fl, err);
	close(fd);
	return r < 0 ? fail(err) : 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The fast way (clone3 into v2 + child joins v1 itself) against the parent's enter. */
static int do_jointime(struct isola_cgroup *cg, struct isola_error *err)
{
	int p[2];
	double parent_ms, self_ms = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe"), fail(err);
	int cgfd = isola_cgroup_clone_fd(cg);
	double t0 = now_ms();
	pid_t pid = fork_into(cgfd);
	if (pid == 0) {
		struct isola_error e = {0};
		int r = isola_cgroup_enter_self(cg, cgfd >= 0, &e);
		double dt = r == 0 ? now_ms() - t0 : -1;
		if (write(p[1], &dt, sizeof(dt)) < 0)
			_exit(1);
		_exit(r == 0 ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &self_ms, sizeof(self_ms)) != sizeof(self_ms))
		self_ms = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	usleep(50000); /* let the rwsem go quiet again, as between container starts */
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	int r = isola_cgroup_enter(cg, pid, err);
	parent_ms = now_ms() - t0;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (r < 0 || self_ms < 0)
		return fail(err);
	printf("self %.3f ms, parent %.3f ms\n", self_ms, parent_ms);
	return 0;
}

static int do_simple(struct isola_cgroup *cg, const char *cmd, int argc, char **argv,
		     struct isola_error *err)
{
	int r = 0;
	if (strcmp(cmd, "enter") == 0 && argc > 0)
		r = isola_cgroup_enter(cg, atoi(argv[0]), err);
	else if (strcmp(cmd, "jointime") == 0)
		return do_jointime(cg, err);
	else if (strcmp(cmd, "freeze") == 0 || strcmp(cmd, "thaw") == 0)
		r = isola_cgroup_freeze(cg, cmd[0] == 'f', err);
	else if (strcmp(cmd, "frozen") == 0) {
		r = isola_cgroup_is_frozen(cg, err);
		if (r >= 0)
			printf("%d\n", r);
	} else if (strcmp(cmd, "kill") == 0 && argc > 0)
		r = isola_cgroup_kill(cg, atoi(argv[0]), err);
	else if (strcmp(cmd, "destroy") == 0)
		r = isola_cgroup_destroy(cg, err);
	else if (strcmp(cmd, "layout") == 0)
		printf("%s\n", isola_cgroup_layout(cg));
	else if (strcmp(cmd, "dir") == 0) {
		const char *d = isola_cgroup_dir(cg, argc > 0 ? argv[0] : "");
		printf("%s\n", d ? d : "");
	} else
		return isola_err(err, ISOLA_ERR_INVALID, 0, "unknown command \"%s\"", cmd),
		       fail(err);
	return r < 0 ? fail(err) : 0;
}

static int dispatch(struct isola_cgroup *cg, const char *cmd, int argc, char **argv,
		    struct isola_error *err)
{
	if (strcmp(cmd, "pids") == 0)
		return do_pids(cg, err);
	if (strcmp(cmd, "update") == 0 && argc > 0) {
		struct isola_resources *r = parse_res(argv[0], err);
		int rc = r ? isola_cgroup_update(cg, r, err) : -1;
		isola_resources_free(r);
		return rc < 0 ? fail(err) : 0;
	}
	if (strcmp(cmd, "stats") == 0) {
		struct json_object *o;
		if (isola_cgroup_stats(cg, &o, err) < 0)
			return fail(err);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		return 0;
	}
	if (strcmp(cmd, "oomcount") == 0) {
		unsigned long c;
		if (isola_cgroup_oom_count(cg, &c, err) < 0)
			return fail(err);
		printf("%lu\n", c);
		return 0;
	}
	if (strcmp(cmd, "oomwait") == 0 && argc > 0)
		return do_oomwait(cg, atoi(argv[0]), err);
	if (strcmp(cmd, "spawn") == 0)
		return do_spawn(cg, err);
	if (strcmp(cmd, "mount") == 0 && argc > 0)
		return do_mount(cg, argc, argv, err);
	return do_simple(cg, cmd, argc, argv, err);
}

int main(int argc, char **argv)
{
	struct isola_error err = {0};
	isola_cgroup_set_root(getenv("ISOLA_CGROUP_ROOT"));
	if (argc < 3) {
		fprintf(stderr, "usage: cgtest STATE COMMAND [ARGS...]\n");
		return 2;
	}
	if (strcmp(argv[2], "create") == 0)
		return argc < 4 ? 2 : do_create(argv[1], argc - 3, argv + 3, &err);
	struct isola_cgroup *cg = load(argv[1], &err);
	if (!cg)
		return fail(&err);
	int rc = dispatch(cg, argv[2], argc - 3, argv + 3, &err);
	isola_cgroup_free(cg);
	return rc;
}
