/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/fdpass.h"
#include "core/util.h"
#include "image/fsutil.h"
#include "linux/idmount.h"
#include "manager/internal.h"
#include "monitor/internal.h"
#include "storage/storage.h"

/* One run of the container under the monitor, and the restart policy around it. */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void broadcast(struct mon *mo, int type, const void *buf, size_t len)
{
	for (int i = 0; i < MON_MAX_CLIENTS; i++)
		if (mo->clients[i] >= 0 && isola_frame_send(mo->clients[i], type, buf, len) < 0)
			close_fd(&mo->clients[i]);
}

/* The container's stdio: a pty (its master comes back over a socketpair) or pipes. */
struct stdio_plan {
	int child[3]; /* what the init gets as 0, 1, 2 */
	int console[2];
};

static int stdio_prepare(struct mon *mo, bool open_stdin, struct stdio_plan *p,
			 struct isola_error *err)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
	*p = (struct stdio_plan){{-1, -1, -1}, {-1, -1}};
	mo->in = mo->out = mo->err = -1;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return isola_err_sys(err, "open /dev/null");
	if (mo->tty) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->console) < 0)
			return close(null), isola_err_sys(err, "socketpair");
		p->child[0] = null;
		p->child[1] = dup(null);
		p->child[2] = dup(null);
		return 0;
	}
	if ((open_stdin && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(er, O_CLOEXEC) < 0)
		return close(null), isola_err_sys(err, "pipe");
	p->child[0] = open_stdin ? in[0] : null;
	if (open_stdin)
		close(null);
	p->child[1] = out[1];
	p->child[2] = er[1];
	mo->in = in[1];
	mo->out = out[0];
	mo->err = er[0];
	return 0;
}

static void stdio_release(struct stdio_plan *p)
{
	for (int i = 0; i < 3; i++)
		close_fd(&p->child[i]);
	close_fd(&p->console[0]);
	close_fd(&p->console[1]);
}

static sigset_t mon_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	return set;
}

/*
 * The heavy part of a start (mount the root, write the OCI config, create
 * the container: config parsing, seccomp compilation, mounts) runs in a
 * helper child that exits right after: the monitor never touches that code
 * and stays small. The init, the helper's child, comes to us (a subreaper)
 * when the helper exits. It inherits the helper's signal mask and
 * dispositions: nothing blocked, SIGPIPE default.
 */
struct helper_result {
	int32_t pid;
	int32_t kind;
};

/* The container's root: through idmapped mounts when it has a user namespace. */
static int mount_root(struct mon *mo, struct json_object *rec, const char *rootfs,
		      struct isola_error *err)
{
	struct mgr_idmaps maps;
	if (mgr_idmaps_get(rec, &maps, err) < 0)
		return -1;
	if (!maps.nu)
		return isola_rootfs_mount(mo->m->store, mo->id, rootfs, err);
	struct isola_rootfs_idmap idm = {
	    .userns_fd = isola_userns_open(maps.uid, maps.nu, maps.gid, maps.ng, err),
	    .uid = mgr_idmap_root(maps.uid, maps.nu),
	    .gid = mgr_idmap_root(maps.gid, maps.ng)};
	int r = idm.userns_fd < 0 ? -1 : mgr_userns_dirs(mo->m, mo->id, idm.gid, err);
	if (r == 0)
		r = isola_rootfs_mount_idmapped(mo->m->store, mo->id, rootfs, &idm, err);
	if (idm.userns_fd >= 0)
		close(idm.userns_fd);
	mgr_idmaps_release(&maps);
	return r;
}

static void helper_main(struct mon *mo, struct json_object *rec, struct stdio_plan *p, int out)
{
	sigset_t empty;
	sigemptyset(&empty);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &empty, NULL);
	struct isola_error err = {0};
	char bundle[4096], rootfs[4096];
	mgr_path(mo->m, mo->id, "bundle", bundle, sizeof(bundle));
	mgr_path(mo->m, mo->id, "bundle/rootfs", rootfs, sizeof(rootfs));
	struct helper_result res = {0, 0};
	pid_t pid = 0;
	int host_ns = -1;
	if (mon_net_enter(mo, rec, &host_ns, &err) == 0 && mount_root(mo, rec, rootfs, &err) == 0) {
		struct isola_create_opts o = {.id = mo->id,
					      .bundle = bundle,
					      .start = true,
					      .console_fd = mo->tty ? p->console[1] : -1};
		for (int fd = 0; fd < 3; fd++)
			dup2(p->child[fd], fd); /* dup2 clears CLOEXEC: the init gets them */
		if (mgr_write_bundle(mo->m, mo->id, rec, &err) < 0 ||
		    isola_container_create(&mo->m->rt, &o, &pid, &err) < 0) {
			isola_rootfs_umount(rootfs, NULL);
			pid = 0;
		}
	}
	if (pid <= 0)
		mon_net_abort(mo, host_ns);
	res.pid = pid;
	res.kind = pid > 0 ? 0 : err.kind ? err.kind : ISOLA_ERR_SYSTEM;
	struct iovec iov[2] = {{&res, sizeof(res)}, {err.msg, pid > 0 ? 0 : strlen(err.msg)}};
	(void)!writev(out, iov, 2);
	_exit(0);
}

static pid_t spawn(struct mon *mo, struct json_object *rec, struct stdio_plan *p,
		   struct isola_error *err)
{
	int rp[2];
	if (pipe2(rp, O_CLOEXEC) < 0)
		return isola_err_sys(err, "pipe");
	pid_t helper = fork();
	if (helper == 0) {
		close(rp[0]);
		helper_main(mo, rec, p, rp[1]);
	}
	close(rp[1]);
	struct helper_result res = {0, ISOLA_ERR_SYSTEM};
	char msg[sizeof(err->msg)];
	struct iovec iov[2] = {{&res, sizeof(res)}, {msg, sizeof(msg) - 1}};
	ssize_t n = helper > 0 ? readv(rp[0], iov, 2) : -1;
	close(rp[0]);
	/* Not waited for here (it is still exiting): the SIGCHLD loop reaps it. */
	if (n < (ssize_t)sizeof(res))
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "start: the helper died");
	if (res.pid > 0)
		return res.pid;
	msg[n - (ssize_t)sizeof(res)] = 0;
	return isola_err(err, res.kind, 0, "%s", msg);
}

static void set_running(struct json_object *st, struct json_object *rec, void *data)
{
	struct mon *mo = data;
	char now[64];
	mgr_now(now, sizeof(now));
	if (mo->report_fd >= 0) { /* the first start: who we are, in the same write */
		pid_t self = getpid();
		json_object_object_add(st, "MonitorPid", json_object_new_int(self));
		json_object_object_add(st, "MonitorStart",
				       json_object_new_int64((int64_t)isola_pid_start_time(self)));
		json_object_object_del(st, "StopRequested");
	}
	json_object_object_add(st, "Status", json_object_new_string("running"));
	json_object_object_add(st, "Running", json_object_new_boolean(1));
	json_object_object_add(st, "Restarting", json_object_new_boolean(0));
	json_object_object_add(st, "Pid", json_object_new_int(mo->pid));
	json_object_object_add(st, "ExitCode", json_object_new_int(0));
	json_object_object_add(st, "Error", json_object_new_string(""));
	json_object_object_add(st, "StartedAt", json_object_new_string(now));
}

static int start_once(struct mon *mo, struct json_object *rec, struct isola_error *err)
{
	struct stdio_plan p;
	mo->tty = mgr_bool(mgr_obj(rec, "Config"), "Tty");
	if (mon_net_ports(mo, rec, err) < 0 ||
	    stdio_prepare(mo, mgr_bool(mgr_obj(rec, "Config"), "OpenStdin"), &p, err) < 0)
		return -1;
	pid_t pid = spawn(mo, rec, &p, err);
	if (pid > 0 && mo->tty) {
		close_fd(&p.console[1]);
		char b;
		struct iovec iov = {&b, 1};
		int master = -1;
		/* sent by the init during create, before the helper reported: queued now */
		isola_recv_fd_msg(p.console[0], &iov, 1, &master, MSG_DONTWAIT);
		mo->out = master;
		mo->in = master >= 0 ? dup(master) : -1;
	}
	stdio_release(&p);
	if (pid <= 0) {
		close_fd(&mo->in);
		close_fd(&mo->out);
		close_fd(&mo->err);
		mon_net_release(mo);
		return -1;
	}
	mo->pid = pid;
	int r = mgr_update_state(mo->m, mo->id, set_running, mo, err);
	mgr_event(mo->m, mo->id, rec, "start");
	if (mgr_net_joined(rec))
		mgr_net_hosts_refresh(mo->m, mo->id, rec);
	return r;
}

static void accept_client(struct mon *mo)
{
	int fd = accept4(mo->listen, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < MON_MAX_CLIENTS; i++) {
		if (mo->clients[i] < 0) {
			mo->clients[i] = fd;
			return;
		}
	}
	close(fd);
}

static void client_input(struct mon *mo, int i)
{
	static char buf[ISOLA_FRAME_MAX];
	struct isola_frame h;
	if (isola_frame_recv(mo->clients[i], &h, buf) <= 0) {
		close_fd(&mo->clients[i]);
		return;
	}
	if (h.type == ISOLA_FRAME_STDIN && mo->in >= 0) {
		if (isola_write_all(mo->in, buf, h.len) < 0 && !mo->tty)
			close_fd(&mo->in);
	} else if (h.type == ISOLA_FRAME_STDIN_EOF && !mo->tty) {
		close_fd(&mo->in);
	} else if (h.type == ISOLA_FRAME_RESIZE && mo->tty && h.len == 4 && mo->out >= 0) {
		uint16_t rc[2];
		memcpy(rc, buf, 4);
		struct winsize ws = {.ws_row = rc[0], .ws_col = rc[1]};
		ioctl(mo->out, TIOCSWINSZ, &ws);
	}
}

/* Output of the container: to the log and every attached client. false at EOF. */
static bool pump(struct mon *mo, int *fd, int stream)
{
	char buf[16384];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) { /* EOF, or EIO from a pty master whose last slave closed */
		close_fd(fd);
		return false;
	}
	isola_log_write(&mo->log, stream, buf, (size_t)n);
	broadcast(mo, stream == 2 ? ISOLA_FRAME_STDERR : ISOLA_FRAME_STDOUT, buf, (size_t)n);
	return true;
}

static void on_signal(struct mon *mo, bool *exited, int *status)
{
	struct signalfd_siginfo si;
	while (read(mo->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM && mo->pid > 0 && !*exited)
			kill(mo->pid, SIGTERM);
	}
	int st;
	pid_t r;
	while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
		if (r == mo->pid) {
			*exited = true;
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
	}
}

/* Poll until the init has exited and its output is drained; returns the exit code. */
static int event_loop(struct mon *mo)
{
	bool exited = false;
	int status = 255;
	long long drain_until = 0;
	for (;;) {
		on_signal(mo, &exited, &status);
		if (exited && !drain_until)
			drain_until = isola_now_ms() + 500;
		if (exited && ((mo->out < 0 && mo->err < 0) || isola_now_ms() > drain_until))
			break;
		struct pollfd pf[4 + MON_MAX_CLIENTS];
		int n = 0;
		pf[n++] = (struct pollfd){.fd = mo->sigfd, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = mo->listen, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = mo->out, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = mo->err, .events = POLLIN};
		for (int i = 0; i < MON_MAX_CLIENTS; i++)
			pf[n++] = (struct pollfd){.fd = mo->clients[i], .events = POLLIN};
		if (poll(pf, (nfds_t)n, exited ? 50 : -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents & POLLIN)
			accept_client(mo);
		if (pf[2].revents)
			pump(mo, &mo->out, 1);
		if (pf[3].revents)
			pump(mo, &mo->err, 2);
		for (int i = 0; i < MON_MAX_CLIENTS; i++)
			if (pf[4 + i].revents && mo->clients[i] >= 0)
				client_input(mo, i);
	}
	close_fd(&mo->out);
	close_fd(&mo->err);
	close_fd(&mo->in);
	isola_log_flush(&mo->log);
	return status;
}

/*
 * Drop our program's code pages from our page tables once the container
 * runs: most of the binary is start-up code (the helper's), and the kernel
 * maps 64 KiB around every page fault. What the loop needs faults back in
 * from the page cache. Keeps a monitor's RSS under a megabyte.
 */
static void shed_text(void)
{
	char self[4096], line[4608];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f = n > 0 ? fopen("/proc/self/maps", "re") : NULL;
	if (!f)
		return;
	self[n] = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8], path[4096] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &lo, &hi, perms, path) == 4 &&
		    !strcmp(path, self) && perms[1] == '-' && perms[2] == 'x')
			/* code only: a read-only data mapping may hold relocated (RELRO)
			 * pages, and dropping those would put the file's bytes back */
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
	fclose(f);
}

static int run_once(struct mon *mo, int *code, struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(mo->m, mo->id, err);
	int r = rec ? start_once(mo, rec, err) : -1;
	json_object_put(rec);
	if (r < 0 && mo->pid <= 0)
		return -1;
	if (mo->report_fd >= 0) {
		int32_t ok = 0;
		(void)!write(mo->report_fd, &ok, sizeof(ok));
		close_fd(&mo->report_fd);
		shed_text();
	}
	*code = event_loop(mo);
	struct isola_error ferr = {0};
	isola_container_delete(&mo->m->rt, mo->id, true, &ferr);
	mo->pid = 0;
	/* What the finish killed and reparented to us (we are a subreaper). */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	char rootfs[4096];
	mgr_path(mo->m, mo->id, "bundle/rootfs", rootfs, sizeof(rootfs));
	isola_rootfs_umount(rootfs, NULL);
	mgr_update_state(mo->m, mo->id, mgr_state_exited, code, NULL);
	mon_net_exited(mo);
	mgr_event(mo->m, mo->id, NULL, "die");
	return 0;
}

struct restart_view {
	bool restart;
	int count;
};

static void set_restarting(struct json_object *st, struct json_object *rec, void *data)
{
	struct restart_view *v = data;
	json_object_object_add(st, "Restarting", json_object_new_boolean(1));
	json_object_object_add(st, "Status", json_object_new_string("restarting"));
	v->count = (int)mgr_int(rec, "RestartCount", 0) + 1;
	json_object_object_add(rec, "RestartCount", json_object_new_int(v->count));
}

/* docker's policies: a `stop` (StopRequested) ends every one of them. */
static bool should_restart(struct isola_mgr *m, const char *id, int code)
{
	struct json_object *rec = isola_ctr_load(m, id, NULL);
	struct json_object *pol = mgr_obj(mgr_obj(rec, "HostConfig"), "RestartPolicy");
	const char *name = mgr_str(pol, "Name", "no");
	int64_t max = mgr_int(pol, "MaximumRetryCount", 0), count = mgr_int(rec, "RestartCount", 0);
	bool stop = mgr_bool(mgr_obj(rec, "State"), "StopRequested");
	bool r = !stop && rec &&
		 (!strcmp(name, "always") || !strcmp(name, "unless-stopped") ||
		  (!strcmp(name, "on-failure") && code != 0 && (max == 0 || count < max)));
	json_object_put(rec);
	return r;
}

/* Sleep ms, serving attach clients; false when a stop came meanwhile. */
static bool backoff(struct mon *mo, long ms)
{
	long long until = isola_now_ms() + ms;
	while (isola_now_ms() < until) {
		struct pollfd pf[2] = {{.fd = mo->sigfd, .events = POLLIN},
				       {.fd = mo->listen, .events = POLLIN}};
		poll(pf, 2, 50);
		bool dummy = false;
		int st;
		on_signal(mo, &dummy, &st);
		if (pf[1].revents & POLLIN)
			accept_client(mo);
		if (!should_restart(mo->m, mo->id, 1))
			return false;
	}
	return true;
}

int mon_run_loop(struct mon *mo, struct isola_error *err)
{
	sigset_t set = mon_signals();
	sigprocmask(SIG_BLOCK, &set, NULL); /* the helper that starts the container unblocks */
	mo->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	char logpath[4096];
	mgr_path(mo->m, mo->id, "container.log", logpath, sizeof(logpath));
	struct json_object *rec = isola_ctr_load(mo->m, mo->id, err);
	struct json_object *lc =
	    mgr_obj(mgr_obj(mgr_obj(rec, "HostConfig"), "LogConfig"), "Config");
	int64_t max_size = isola_parse_bytes(mgr_str(lc, "max-size", "0"));
	int max_file = atoi(mgr_str(lc, "max-file", "1"));
	json_object_put(rec);
	if (mo->sigfd < 0 ||
	    isola_log_open(&mo->log, logpath, max_size > 0 ? max_size : 0, max_file, err) < 0)
		return -1;
	int code = -1;
	long delay = 100;
	for (;;) {
		long long t0 = isola_now_ms();
		if (run_once(mo, &code, err) < 0) {
			if (mo->report_fd >= 0)
				return -1;
			code = 125;
			mgr_update_state(mo->m, mo->id, mgr_state_exited, &code, NULL);
		}
		if (!should_restart(mo->m, mo->id, code))
			return code;
		struct restart_view v;
		mgr_update_state(mo->m, mo->id, set_restarting, &v, NULL);
		if (isola_now_ms() - t0 > 10000)
			delay = 100;
		if (!backoff(mo, delay))
			return code;
		delay = delay * 2 > 60000 ? 60000 : delay * 2;
	}
}

void mon_finish(struct mon *mo, int code)
{
	int32_t c = code;
	isola_log_close(&mo->log);
	char sock[256];
	mgr_sock_path(mo->m, mo->id, sock, sizeof(sock));
	unlink(sock);
	close_fd(&mo->listen);
	struct json_object *rec = isola_ctr_load(mo->m, mo->id, NULL);
	bool autorm = mgr_bool(mgr_obj(rec, "HostConfig"), "AutoRemove");
	json_object_put(rec);
	/*
	 * Removed before the exit code goes out: `run --rm` returns with no record,
	 * name, runtime state, cgroup or mount left. Only the deletion of the files
	 * (a rename into the store's tmp/ took them away) comes after: on a disk
	 * mounted with discard it is the longest part of the teardown.
	 */
	char trash[128] = "";
	if (autorm)
		mgr_ctr_remove(mo->m, mo->id, true, true, trash, sizeof(trash), NULL);
	broadcast(mo, ISOLA_FRAME_EXIT, &c, sizeof(c));
	for (int i = 0; i < MON_MAX_CLIENTS; i++)
		close_fd(&mo->clients[i]);
	struct isola_error ignored;
	if (trash[0])
		isola_rmtree_at(mo->m->store->rootfd, trash, &ignored);
}
