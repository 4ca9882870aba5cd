/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Filters loaded for real, each in a forked child that exits right after:
 * errno actions, kill/trap signals, argument filters, the notify listener
 * and the agent hand-off. No container needed; nothing outlives a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "linux/process.h"
#include "linux/seccomp.h"
#include "spec/seccomp.h"
#include "tap.h"
#include "test-seccomp-profile.h"

static struct isola_seccomp *parse_text(const char *text, bool compile)
{
	struct json_object *obj = json_tokener_parse(text);
	struct isola_error err = {0};
	struct isola_seccomp *s = obj ? isola_seccomp_parse(obj, "linux.seccomp", &err) : NULL;

	json_object_put(obj);
	if (s && compile && isola_seccomp_compile(s, &err) < 0) {
		isola_seccomp_free(s);
		s = NULL;
	}
	if (!s)
		printf("# parse: %s\n", err.msg);
	return s;
}

/* Child: load s, then run body; exit status = body's result (0 ok), 100+ = load failed. */
typedef int (*child_fn)(int notify_fd, void *arg);

static int run_child(const struct isola_seccomp *s, child_fn body, void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct isola_error err = {0};
		int nfd = -1;

		alarm(10);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (isola_seccomp_load(s, &nfd, &err) < 0) {
			printf("# load: %s\n", err.msg);
			fflush(stdout);
			_exit(100);
		}
		_exit(body(nfd, arg));
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static int exited_ok(int status)
{
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("# child status %#x (exit %d, signal %d)\n", status,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		return 0;
	}
	return 1;
}

static int body_mkdir_enosys(int nfd, void *arg)
{
	int rc = mkdir("/isolatest-nonexistent/dir", 0700);
	return rc == -1 && errno == 38 ? 0 : 1;
}

TEST(errno_ret_for_mkdir)
{
	struct isola_seccomp *s = parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{"
					     "\"names\":[\"mkdir\",\"mkdirat\"],"
					     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
					     true);

	CHECK(s && exited_ok(run_child(s, body_mkdir_enosys, NULL)));
	isola_seccomp_free(s);
}

static int body_getppid_eperm(int nfd, void *arg)
{
	long rc = syscall(SYS_getppid);
	return rc == -1 && errno == EPERM ? 0 : 1;
}

TEST(errno_default_is_eperm_and_compiles_in_child)
{
	/* Not compiled beforehand: isola_seccomp_load compiles on the spot. */
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    false);

	CHECK(s && exited_ok(run_child(s, body_getppid_eperm, NULL)));
	isola_seccomp_free(s);
}

/* clone3 (435) newer than every name: ENOSYS; getpid (39) older and unnamed: the default. */
static int body_newer_enosys(int nfd, void *arg)
{
	long newer = syscall(435, NULL, 0);
	int newer_errno = errno;
	long older = syscall(SYS_getpid);
	return newer == -1 && newer_errno == ENOSYS && older == -1 && errno == EPERM ? 0 : 1;
}

TEST(syscalls_newer_than_the_profile_get_enosys)
{
	/* pidfd_open (434) is the newest name: an old engine profile without clone3.
	 * sigaltstack: an ASan build's exit path needs it. */
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"exit_group\","
	    "\"exit\",\"sigaltstack\",\"pidfd_open\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_newer_enosys, NULL)));
	isola_seccomp_free(s);
}

/* Under an allowing default nothing changes: clone3(NULL, 0) reaches the kernel (EINVAL). */
static int body_newer_reaches_kernel(int nfd, void *arg)
{
	long rc = syscall(435, NULL, 0);
	return rc == -1 && errno == EINVAL ? 0 : 1;
}

TEST(no_enosys_rules_under_an_allowing_default)
{
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_newer_reaches_kernel, NULL)));
	isola_seccomp_free(s);
}

/* podman's default profile: unnamed syscalls get ENOSYS already; the filter must still build. */
static int body_default_enosys(int nfd, void *arg)
{
	long newer = syscall(435, NULL, 0);
	int newer_errno = errno;
	long older = syscall(SYS_getpid);
	return newer == -1 && newer_errno == ENOSYS && older == -1 && errno == ENOSYS ? 0 : 1;
}

TEST(a_default_of_errno_enosys_builds)
{
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":"
	    "[\"exit_group\",\"exit\",\"sigaltstack\",\"pidfd_open\"],\"action\":"
	    "\"SCMP_ACT_ALLOW\"}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_default_enosys, NULL)));
	isola_seccomp_free(s);
}

/* Under a profile that refuses close_range: the fds still go, through /proc/self/fd. */
static int body_close_fds_fallback(int nfd, void *arg)
{
	struct isola_error err = {0};
	int keep[] = {201};
	for (int fd = 200; fd <= 202; fd++)
		if (dup2(2, fd) < 0)
			return 2;
	if (syscall(SYS_close_range, 200, 200, 0) == 0)
		return 3; /* the filter did not refuse it: the test would prove nothing */
	if (isola_close_fds_except(200, keep, 1, &err) < 0) {
		printf("# %s\n", err.msg);
		return 4;
	}
	bool ok = fcntl(200, F_GETFD) < 0 && fcntl(201, F_GETFD) >= 0 && fcntl(202, F_GETFD) < 0;
	return ok ? 0 : 1;
}

TEST(close_fds_falls_back_when_close_range_is_refused)
{
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"close_range\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":6}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_close_fds_fallback, NULL)));
	isola_seccomp_free(s);
}

static int body_getppid(int nfd, void *arg)
{
	syscall(SYS_getppid);
	return 0;
}

static int killed_by(const char *action, int sig)
{
	char text[256];
	struct isola_seccomp *s;
	int status, ok;

	snprintf(text, sizeof(text),
		 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
		 "\"action\":\"%s\"}]}",
		 action);
	s = parse_text(text, true);
	if (!s)
		return 0;
	status = run_child(s, body_getppid, NULL);
	ok = WIFSIGNALED(status) && WTERMSIG(status) == sig;
	if (!ok)
		printf("# %s: status %#x\n", action, status);
	isola_seccomp_free(s);
	return ok;
}

TEST(kill_actions_send_sigsys)
{
	CHECK(killed_by("SCMP_ACT_KILL", SIGSYS));
	CHECK(killed_by("SCMP_ACT_KILL_THREAD", SIGSYS));
	CHECK(killed_by("SCMP_ACT_KILL_PROCESS", SIGSYS));
	CHECK(killed_by("SCMP_ACT_TRAP", SIGSYS));
}

static int body_log_allows(int nfd, void *arg)
{
	return syscall(SYS_getppid) > 0 ? 0 : 1;
}

TEST(log_allows_and_flags_load)
{
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\","
	    "\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
	    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_LOG\"}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_log_allows, NULL)));
	isola_seccomp_free(s);
}

/* dup(fd) on a closed fd gives EBADF unless the filter answers first. */
static int dup_errno(int fd)
{
	errno = 0;
	return syscall(SYS_dup, fd) < 0 ? errno : 0;
}

static int body_dup_args(int nfd, void *arg)
{
	int fail = 0;

	fail |= dup_errno(500) != EPERM;
	fail |= (dup_errno(501) != EPERM) << 1;
	fail |= (dup_errno(600) != EBADF) << 2;
	fail |= (dup_errno(0x1f0) != 13) << 3; /* MASKED_EQ rule: (fd & 0xff0) == 0x1f0 */
	fail |= (dup_errno(0x1f7) != 13) << 4;
	fail |= (dup_errno(0x2f0) != EBADF) << 5;
	return fail;
}

TEST(args_same_index_are_ored_and_masked_eq)
{
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
	    "{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
	    "{\"index\":0,\"value\":500,\"op\":\"SCMP_CMP_EQ\"},"
	    "{\"index\":0,\"value\":501,\"op\":\"SCMP_CMP_EQ\"}]},"
	    "{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":["
	    "{\"index\":0,\"value\":4080,\"valueTwo\":496,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
	    true);

	CHECK(s && exited_ok(run_child(s, body_dup_args, NULL)));
	isola_seccomp_free(s);
}

static int body_profile(int nfd, void *arg)
{
	int fail = 0;

	fail |= syscall(SYS_getpid) <= 0;
	fail |= (syscall(SYS_acct, NULL) != -1 || errno != EPERM) << 1;
	fail |= (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS) << 2;
	fail |= (syscall(SYS_personality, 0xffffffffUL) < 0) << 3;
	fail |= (syscall(SYS_personality, 0x0400000UL) != -1 || errno != EPERM) << 4;
	fail |= (syscall(SYS_socket, 40, SOCK_STREAM, 0) != -1 || errno != EPERM) << 5;
	return fail;
}

TEST(engine_default_like_profile_enforced)
{
	size_t n;
	char *text = test_profile_json(&n);
	struct isola_seccomp *s = parse_text(text, true);

	CHECK(s && exited_ok(run_child(s, body_profile, NULL)));
	isola_seccomp_free(s);
	free(text);
}

static int send_fd(int sock, int fd)
{
	char c = 'f';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = {0};
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock, char *data, size_t len, size_t *got)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = {0};
	struct iovec iov = {.iov_base = data, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	int fd = -1;

	if (n <= 0)
		return -1;
	*got = (size_t)n;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Child: hand the listener to the parent, then mkdir; the parent answers 42. */
static int body_notify(int nfd, void *arg)
{
	int sock = *(int *)arg;

	if (nfd < 0 || send_fd(sock, nfd) < 0)
		return 1;
	close(nfd);
	return syscall(SYS_mkdirat, AT_FDCWD, "/isolatest-notify", 0700) == 42 ? 0 : 2;
}

static int answer_one(int nfd)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return -1;
	if (req.data.nr != SYS_mkdirat)
		return -1;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.val = 42;
	return ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

TEST(notify_gives_listener_fd)
{
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/isolatest/none\","
		       "\"syscalls\":[{\"names\":[\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		       true);
	int sv[2], status, nfd = -1;
	pid_t pid;
	char c;
	size_t got;

	CHECK(s != NULL);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	if (!s)
		return;
	pid = fork();
	if (pid == 0) {
		struct isola_error err = {0};
		int fd = -1;

		alarm(10);
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		_exit(isola_seccomp_load(s, &fd, &err) < 0 ? 100 : body_notify(fd, &sv[1]));
	}
	nfd = recv_fd(sv[0], &c, 1, &got);
	CHECK(nfd >= 0);
	CHECK(nfd >= 0 && (fcntl(nfd, F_GETFD) & FD_CLOEXEC));
	CHECK(nfd >= 0 && answer_one(nfd) == 0);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	CHECK(exited_ok(status));
	if (nfd >= 0)
		close(nfd);
	close(sv[0]);
	close(sv[1]);
	isola_seccomp_free(s);
}

static int body_nothing(int nfd, void *arg)
{
	return nfd == -1 ? 0 : 1;
}

TEST(no_notify_no_listener_fd)
{
	struct isola_seccomp *s = parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", true);

	CHECK(s && exited_ok(run_child(s, body_nothing, NULL)));
	isola_seccomp_free(s);
}

TEST(send_listener_follows_spec)
{
	char dir[] = "/tmp/isolatest-seccomp-XXXXXX", path[128], text[512], buf[4096];
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct isola_error err = {0};
	struct json_object *msg = NULL, *v, *st;
	struct isola_seccomp *s;
	int lsock, conn, pfd[2], fd = -1;
	size_t got = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/agent.sock", dir);
	snprintf(text, sizeof(text),
		 "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"%s\","
		 "\"listenerMetadata\":\"isolatest-meta\",\"syscalls\":[{\"names\":[\"mkdirat\"],"
		 "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		 path);
	s = parse_text(text, false);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(addr.sun_path, path);
	CHECK(bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(lsock, 1) == 0);
	CHECK(pipe2(pfd, O_CLOEXEC) == 0);
	CHECK(s && isola_seccomp_send_listener(
		       s, pfd[0],
		       "{\"ociVersion\":\"1.3.0\",\"id\":\"isolatest\",\"status\":\"creating\","
		       "\"pid\":4242,\"bundle\":\"/b\"}",
		       4242, &err) == 0);
	if (err.msg[0])
		printf("# %s\n", err.msg);
	conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	CHECK(conn >= 0);
	fd = recv_fd(conn, buf, sizeof(buf) - 1, &got);
	CHECK(fd >= 0);
	buf[got] = 0;
	msg = json_tokener_parse(buf);
	CHECK(msg != NULL);
	CHECK(json_object_object_get_ex(msg, "ociVersion", &v));
	CHECK(json_object_object_get_ex(msg, "fds", &v) && json_object_array_length(v) == 1 &&
	      strcmp(json_object_get_string(json_object_array_get_idx(v, 0)), "seccompFd") == 0);
	CHECK(json_object_object_get_ex(msg, "pid", &v) && json_object_get_int(v) == 4242);
	CHECK(json_object_object_get_ex(msg, "metadata", &v) &&
	      strcmp(json_object_get_string(v), "isolatest-meta") == 0);
	CHECK(json_object_object_get_ex(msg, "state", &st) &&
	      json_object_object_get_ex(st, "id", &v) &&
	      strcmp(json_object_get_string(v), "isolatest") == 0);
	/* The fd that arrived is the pipe's read end. */
	CHECK(fd >= 0 && write(pfd[1], "x", 1) == 1 && read(fd, buf, 1) == 1 && buf[0] == 'x');
	json_object_put(msg);
	if (fd >= 0)
		close(fd);
	if (conn >= 0)
		close(conn);
	close(lsock);
	close(pfd[0]);
	close(pfd[1]);
	unlink(path);
	rmdir(dir);
	isola_seccomp_free(s);
}

TEST(send_listener_reports_missing_agent)
{
	struct isola_error err = {0};
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/isolatest/no/agent.sock\","
	    "\"syscalls\":[{\"names\":[\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	    false);

	CHECK(s && isola_seccomp_send_listener(s, 0, "{}", 1, &err) < 0);
	CHECK_CONTAINS(err.msg, "connect \"/isolatest/no/agent.sock\"");
	isola_seccomp_free(s);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Not a pass/fail: how long the engine-like profile takes per container start. */
TEST(measure_compile_cost)
{
	size_t n;
	char *text = test_profile_json(&n);
	struct json_object *obj = json_tokener_parse(text);
	struct isola_error err = {0};
	double t0, t1, t2;
	const int rounds = 50;

	t0 = now_ms();
	for (int i = 0; i < rounds; i++)
		isola_seccomp_free(isola_seccomp_parse(obj, "linux.seccomp", &err));
	t1 = now_ms();
	for (int i = 0; i < rounds; i++) {
		struct isola_seccomp *s = isola_seccomp_parse(obj, "linux.seccomp", &err);
		CHECK(s && isola_seccomp_compile(s, &err) == 0);
		if (i == 0 && s)
			printf("# profile: %zu syscalls, %zu BPF instructions\n", n,
			       s->bpf_len / 8);
		isola_seccomp_free(s);
	}
	t2 = now_ms();
	printf("# parse %.3f ms, parse+compile %.3f ms per profile\n", (t1 - t0) / rounds,
	       (t2 - t1) / rounds);
	json_object_put(obj);
	free(text);
}

static int count_files(const char *dir)
{
	char cmd[256];
	FILE *f;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	f = popen(cmd, "r");
	if (f && fscanf(f, "%d", &n) != 1)
		n = -1;
	if (f)
		pclose(f);
	return n;
}

TEST(compile_cache_hit_is_the_same_program_and_fast)
{
	char dir[] = "/tmp/isolatest-sccache-XXXXXX", cmd[128];
	size_t n;
	char *text = test_profile_json(&n);
	struct isola_seccomp *a = parse_text(text, false), *b = parse_text(text, false);
	struct isola_error err = {0};
	double t0, t1, t2;
	int dfd;

	CHECK(mkdtemp(dir) != NULL);
	chmod(dir, 0700);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	t0 = now_ms();
	CHECK(a && isola_seccomp_compile_cached(a, dfd, &err) == 0);
	t1 = now_ms();
	CHECK(b && isola_seccomp_compile_cached(b, dfd, &err) == 0);
	t2 = now_ms();
	CHECK(count_files(dir) == 1);
	CHECK(a && b && a->bpf_len == b->bpf_len && memcmp(a->bpf, b->bpf, a->bpf_len) == 0);
	printf("# cache miss %.3f ms, hit %.3f ms\n", t1 - t0, t2 - t1);
	CHECK(b && exited_ok(run_child(b, body_profile, NULL)));
	close(dfd);
	isola_seccomp_free(a);
	isola_seccomp_free(b);
	free(text);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

TEST(compile_cache_distrusts_others_and_tampering)
{
	char dir[] = "/tmp/isolatest-sccache-XXXXXX", cmd[160];
	struct isola_seccomp *a = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    false);
	struct isola_seccomp *b = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    false);
	struct isola_error err = {0};
	int dfd;

	CHECK(mkdtemp(dir) != NULL);
	chmod(dir, 0777);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* A directory others can write is not used at all. */
	CHECK(a && isola_seccomp_compile_cached(a, dfd, &err) == 0);
	CHECK(count_files(dir) == 0);
	chmod(dir, 0700);
	isola_seccomp_free(a);
	a = parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
		       "[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		       false);
	CHECK(a && isola_seccomp_compile_cached(a, dfd, &err) == 0);
	CHECK(count_files(dir) == 1);
	/* A cache file made group-writable, or with a changed body, is not trusted. */
	snprintf(cmd, sizeof(cmd), "chmod 664 '%s'/*.bpf", dir);
	CHECK(system(cmd) == 0);
	CHECK(b && isola_seccomp_compile_cached(b, dfd, &err) == 0);
	CHECK(a && b && a->bpf_len == b->bpf_len && memcmp(a->bpf, b->bpf, a->bpf_len) == 0);
	CHECK(b && exited_ok(run_child(b, body_getppid_eperm, NULL)));
	close(dfd);
	isola_seccomp_free(a);
	isola_seccomp_free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

TEST(compile_cache_stays_bounded)
{
	char dir[] = "/tmp/isolatest-sccache-XXXXXX", cmd[160], path[96];
	struct isola_seccomp *a = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getppid\"],"
	    "\"action\":\"SCMP_ACT_ERRNO\"}]}",
	    false);
	struct isola_error err = {0};
	int dfd;

	CHECK(mkdtemp(dir) != NULL);
	chmod(dir, 0700);
	/* A full cache (64 other profiles) is emptied on the next miss. */
	for (int i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "%s/%016x.bpf", dir, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		CHECK(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	CHECK(count_files(dir) == 64);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(a && isola_seccomp_compile_cached(a, dfd, &err) == 0);
	CHECK(count_files(dir) == 1);
	close(dfd);
	isola_seccomp_free(a);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	return tap_run();
}
