/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "linux/caps.h"
#include "linux/console.h"
#include "linux/hooks.h"
#include "linux/idmount.h"
#include "linux/ns.h"
#include "linux/process.h"
#include "linux/seccomp.h"
#include "linux/spawn.h"
#include "runtime/bindsrc.h"
#include "runtime/container.h"
#include "runtime/init.h"
#include "runtime/sync.h"

/* Everything create made so far, so a failure at any step can undo it all. */
struct create_ctx {
	const struct isola_rt *rt;
	const struct isola_create_opts *opts;
	struct isola_config *config;
	char *config_text; /* config.json as read, saved into the state dir */
	size_t config_len;
	struct isola_state state;
	struct isola_cgroup *cg;
	int sync[2];
	int fifo;
	int console;
	int relay;	/* relay_tty: the caller's end of the console socketpair, or -1 */
	int *idmap_fds; /* premade idmapped mount trees, per mount */
	pid_t pid;
	bool go;	/* the init waits for GO */
	bool committed; /* the state is saved: a failure from here on also runs poststop */
};

static void rfc3339_now(char *buf, size_t len)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	isola_rfc3339(&ts, true, buf, len);
}

static struct json_object *annotations_json(const struct isola_config *c)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < c->n_annotations; i++)
		json_object_object_add(o, c->annotations[i].key,
				       json_object_new_string(c->annotations[i].value));
	return o;
}

/*
 * Without a mount namespace of its own (the host's, or one joined by path)
 * the container is only chrooted: no mount is made where we could not undo
 * it. What would restrict the container can't be had then: refuse it, as
 * runc does for masked and read-only paths, rather than run without it.
 */
static int check_mntns(const struct isola_config *c, struct isola_error *err)
{
	const struct isola_namespace *mnt = isola_config_namespace(c, CLONE_NEWNS);
	const char *what = NULL;
	if (mnt && !mnt->path)
		return 0;
	if (c->masked_paths && c->masked_paths[0])
		what = "linux.maskedPaths";
	else if (c->readonly_paths && c->readonly_paths[0])
		what = "linux.readonlyPaths";
	else if (c->root_readonly)
		what = "root.readonly";
	if (what)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s: needs a new mount namespace (linux.namespaces)", what);
	return 0;
}

static int check_config(const struct create_ctx *x, struct isola_error *err)
{
	const struct isola_config *c = x->config;
	if (!c->has_process)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "config.json: process is required");
	if (check_mntns(c, err) < 0)
		return -1;
	if (c->process.terminal && !x->opts->console_socket && x->opts->console_fd < 0 &&
	    !x->opts->relay_tty)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "cannot allocate tty if isola-runtime will detach without setting "
				 "console socket");
	if (!c->process.terminal && x->opts->console_socket)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "cannot use console socket if isola-runtime will not detach or "
				 "allocate tty");
	return 0;
}

/* Reserve the id, record what we know, create the cgroup. */
static int setup_state(struct create_ctx *x, struct isola_error *err)
{
	struct isola_state *s = &x->state;
	if (isola_state_reserve(x->rt->root, x->opts->id, &s->dir, err) < 0)
		return -1;
	/* One fd for every write into the state dir from here on (and run's lock). */
	s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dirfd < 0)
		return isola_err_sys(err, "open state dir");
	s->id = strdup(x->opts->id);
	s->bundle = strdup(x->opts->bundle);
	s->rootfs = strdup(x->config->root_path);
	s->owner = geteuid();
	s->systemd_cgroup = x->rt->systemd_cgroup;
	s->rootless = x->rt->rootless;
	s->poststart_hooks = x->config->hooks[ISOLA_HOOK_POSTSTART].n > 0;
	s->poststop_hooks = x->config->hooks[ISOLA_HOOK_POSTSTOP].n > 0;
	s->annotations = annotations_json(x->config);
	if (isola_resources_device_policy(&x->config->resources, x->rt->rootless, err) < 0)
		return -1;
	struct isola_cgroup_opts co = {.id = x->opts->id,
				       .cgroups_path = x->config->cgroups_path,
				       .systemd = x->rt->systemd_cgroup,
				       .rootless = x->rt->rootless,
				       .resources = x->config->resources,
				       .warn = x->rt->warn,
				       .warn_data = x->rt->warn_data};
	if (isola_cgroup_create(&co, &x->cg, err) < 0)
		return -1;
	s->cgroup = isola_cgroup_save(x->cg);
	if (!s->cgroup)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "linux.cgroupsPath: control characters are not allowed");
	/* Saved before any process exists, so `delete --force` can clean up a killed create. */
	return isola_state_save_cgroup(s, err);
}

/* Read config.json once: parsed here, and the same text saved for exec. */
static int load_config(struct create_ctx *x, struct isola_error *err)
{
	char src[4096];
	snprintf(src, sizeof(src), "%s/config.json", x->opts->bundle);
	if (isola_read_file_at(AT_FDCWD, src, &x->config_text, &x->config_len, err) < 0)
		return -1;
	x->config = isola_config_parse(x->config_text, x->opts->bundle, err);
	return x->config ? 0 : -1;
}

static int copy_config(struct create_ctx *x, struct isola_error *err)
{
	cleanup_close int fd =
	    openat(x->state.dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || isola_write_all(fd, x->config_text, x->config_len) < 0)
		return isola_err_sys(err, "save config");
	return 0;
}

/* Build the seccomp program here, once, through the cache: the init only loads it. */
static int compile_seccomp(struct create_ctx *x, struct isola_error *err)
{
	if (!x->config->seccomp)
		return 0;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/.seccomp-cache", x->rt->root);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return isola_err_sys(err, "create \"%s\"", dir);
	cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return isola_seccomp_compile_cached(x->config->seccomp, dfd, err);
}

static int setup_channels(struct create_ctx *x, struct isola_error *err)
{
	if (!x->opts->start) {
		if (mkfifoat(x->state.dirfd, "exec.fifo", 0600) < 0)
			return isola_err_sys(err, "create exec fifo");
		/* O_RDWR: the init's read blocks until `start` writes, never sees EOF. */
		x->fifo = openat(x->state.dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
		if (x->fifo < 0)
			return isola_err_sys(err, "open exec fifo");
	}
	if (x->opts->console_socket &&
	    (x->console = isola_console_connect(x->opts->console_socket, err)) < 0)
		return -1;
	if (!x->opts->console_socket && x->opts->console_fd >= 0 && x->config->process.terminal &&
	    (x->console = fcntl(x->opts->console_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		return isola_err_sys(err, "console socket");
	/* Made only for a terminal: a run without one pays nothing for the relay. */
	int pair[2];
	if (!x->opts->console_socket && x->opts->console_fd < 0 && x->opts->relay_tty &&
	    x->config->process.terminal) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
			return isola_err_sys(err, "console socketpair");
		x->relay = pair[0];
		x->console = pair[1];
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, x->sync) < 0)
		return isola_err_sys(err, "socketpair");
	return isola_idmount_prepare(x->config, &x->idmap_fds, err);
}

/*
 * pid and time namespaces given by path only affect children: join them here,
 * in this short-lived process, so the init is cloned straight into them.
 */
static int join_for_children(const struct isola_config *c, struct isola_error *err)
{
	return isola_ns_join_paths(c, CLONE_NEWPID | CLONE_NEWTIME, err);
}

static int write_time_offsets(const struct isola_config *c, struct isola_error *err)
{
	if (unshare(CLONE_NEWTIME) < 0)
		return isola_err_sys(err, "create time namespace");
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n",
			 (long long)c->time_offset_monotonic_secs, c->time_offset_monotonic_nsecs,
			 (long long)c->time_offset_boottime_secs, c->time_offset_boottime_nsecs);
	if (isola_write_file_at(AT_FDCWD, "/proc/self/timens_offsets", buf, (size_t)n, err) < 0)
		return isola_err_prefix(err, "linux.timeOffsets");
	return 0;
}

/* Hooks the init runs itself, inside the container: they need the state from GO. */
static bool init_has_hooks(const struct isola_config *c)
{
	return c->hooks[ISOLA_HOOK_CREATE_CONTAINER].n || c->hooks[ISOLA_HOOK_START_CONTAINER].n;
}

static int spawn_init(struct create_ctx *x, struct isola_error *err)
{
	const struct isola_config *c = x->config;
	int newns = isola_ns_new_flags(c);
	if (join_for_children(c, err) < 0)
		return -1;
	/* Time offsets must be written before any process enters the namespace. */
	if ((newns & CLONE_NEWTIME) && c->has_time_offsets) {
		if (write_time_offsets(c, err) < 0)
			return -1;
		newns &= ~CLONE_NEWTIME;
	}
	isola_caps_last_cap(); /* cached from the host's /proc for the child (linux/caps.h) */
	const struct isola_namespace *user = isola_config_namespace(c, CLONE_NEWUSER);
	/*
	 * The fast way into the cgroup: clone3 straight into the v2 part, and the
	 * init writes "0" into each v1 tasks file itself, which skips the RCU
	 * grace period a parent's write of another pid waits for (5-20 ms). In a
	 * user namespace the init can't write host cgroup files: the parent does.
	 */
	int cgfd = isola_cgroup_clone_fd(x->cg);
	bool in_v2 = false, self_join = user == NULL;
	/*
	 * GO makes the init wait for what the parent does after the clone: id
	 * maps and the cgroup (user namespace), or the state for the init's hooks.
	 * Without those the init goes on at once; oomScoreAdj, written by the
	 * parent meanwhile, is in place before READY is answered, so before execve.
	 */
	x->go = user || init_has_hooks(c);
	pid_t pid = isola_spawn(newns & ~CLONE_NEWCGROUP, cgfd, &in_v2);
	if (pid < 0)
		return isola_err_sys(err, "clone");
	if (pid == 0) {
		close(x->sync[0]);
		struct isola_init_ctx ix = {.config = c,
					    .opts = x->opts,
					    .cg = x->cg,
					    .prog = x->rt->prog ? x->rt->prog : "isola",
					    .sync = x->sync[1],
					    .fifo = x->fifo,
					    .console_sock = x->console,
					    .in_userns = user != NULL,
					    .new_cgroupns = (newns & CLONE_NEWCGROUP) != 0,
					    .join_cgroup = self_join,
					    .cgroup_v2_done = in_v2,
					    .wait_go = x->go,
					    .idmap_fds = x->idmap_fds};
		isola_init_main(&ix);
	}
	x->pid = pid;
	isola_ns_pid_for_children_reset();
	close(x->sync[1]);
	x->sync[1] = -1;
	if (!self_join && isola_cgroup_enter(x->cg, pid, err) < 0)
		return -1;
	if (user && !user->path && isola_idmap_write(pid, c, err) < 0)
		return -1;
	/* Through the host's /proc: a file mounted over the container's can't take it. */
	return isola_process_oom_score_adj(pid, &c->process, err);
}

static char *state_json_now(struct create_ctx *x, enum isola_status st)
{
	x->state.pid = x->pid;
	return isola_state_json(&x->state, st, 0);
}

/* Host-side hooks run in the bundle, as runc's (it chdirs there for create). */
static struct isola_hook_run hook_run(const struct create_ctx *x, const char *kind,
				      const char *state)
{
	return (struct isola_hook_run){.kind = kind, .state = state, .cwd = x->opts->bundle};
}

static int run_runtime_hooks(struct create_ctx *x, struct isola_error *err)
{
	/* "created", as crun: the create operation has done its work, the process waits. */
	cleanup_free char *state = state_json_now(x, ISOLA_STATUS_CREATED);
	struct isola_hook_run pre = hook_run(x, "prestart", state);
	struct isola_hook_run rt = hook_run(x, "createRuntime", state);
	if (isola_hooks_run_how(&x->config->hooks[ISOLA_HOOK_PRESTART], &pre, err) < 0 ||
	    isola_hooks_run_how(&x->config->hooks[ISOLA_HOOK_CREATE_RUNTIME], &rt, err) < 0)
		return -1;
	return isola_sync_send(x->sync[0], ISOLA_SYNC_HOOKS_DONE, NULL, -1, err);
}

static int send_listener(struct create_ctx *x, int fd, struct isola_error *err)
{
	cleanup_free char *state = state_json_now(x, ISOLA_STATUS_CREATING);
	int r = isola_seccomp_send_listener(x->config->seccomp, fd, state, x->pid, err);
	close(fd);
	return r;
}

/* Serve the init until it is set up and waiting (READY). */
static int drive_init(struct create_ctx *x, struct isola_error *err)
{
	/* GO carries the state for the hooks the init runs (none in a user namespace alone). */
	if (x->go) {
		cleanup_free char *state =
		    init_has_hooks(x->config) ? state_json_now(x, ISOLA_STATUS_CREATING) : NULL;
		if (isola_sync_send(x->sync[0], ISOLA_SYNC_GO, state, -1, err) < 0)
			return -1;
	}
	if (isola_config_namespace(x->config, CLONE_NEWUSER) &&
	    isola_bindsrc_send(x->pid, x->config, x->sync[0], err) < 0)
		return -1;
	for (;;) {
		int fd = -1;
		int type = isola_sync_recv_any(x->sync[0], &fd, NULL, err);
		if (type == ISOLA_SYNC_READY)
			return 0;
		if (type == ISOLA_SYNC_HOOKS && run_runtime_hooks(x, err) == 0)
			continue;
		if (type == ISOLA_SYNC_SECCOMP_FD && fd >= 0 && send_listener(x, fd, err) == 0)
			continue;
		if (type >= 0 && type != ISOLA_SYNC_HOOKS && type != ISOLA_SYNC_SECCOMP_FD)
			isola_err(err, ISOLA_ERR_SYSTEM, 0, "sync: unexpected message %d", type);
		return -1;
	}
}

/* The init is waiting: record it, then let it go on to wait for start. */
static int commit(struct create_ctx *x, struct isola_error *err)
{
	char now[64];
	rfc3339_now(now, sizeof(now));
	x->state.created = strdup(now);
	x->state.pid = x->pid;
	x->state.start_time = isola_pid_start_time(x->pid);
	if (isola_state_save(&x->state, err) < 0)
		return -1;
	if (x->opts->pid_file && isola_write_pid_file(x->opts->pid_file, x->pid, err) < 0)
		return -1;
	x->committed = true;
	/* With start (run), one message both commits and starts: one wake-up less. */
	return isola_sync_send(x->sync[0], x->opts->start ? ISOLA_SYNC_START : ISOLA_SYNC_COMMIT,
			       NULL, -1, err);
}

static void undo(struct create_ctx *x)
{
	struct isola_error e;
	if (x->pid > 0) {
		kill(x->pid, SIGKILL);
		while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	/*
	 * A `delete` that ran meanwhile removed the state dir and the cgroup: their
	 * paths may already be another container's (same id), so leave them alone.
	 */
	bool ours = x->state.dirfd < 0 || isola_state_lock_own(&x->state, &e) != 0;
	if (x->cg) {
		if (ours)
			isola_cgroup_destroy(x->cg, &e);
		isola_cgroup_free(x->cg);
		x->cg = NULL;
	}
	/* A container that existed is destroyed as delete does it: poststop hooks too. */
	if (x->committed && ours && x->config->hooks[ISOLA_HOOK_POSTSTOP].n) {
		cleanup_free char *state = state_json_now(x, ISOLA_STATUS_STOPPED);
		struct isola_hook_run how = hook_run(x, "poststop", state);
		isola_hooks_run_warn(&x->config->hooks[ISOLA_HOOK_POSTSTOP], &how, x->rt->warn,
				     x->rt->warn_data);
	}
	if (x->state.dir && ours)
		isola_state_remove(x->state.dirfd, x->state.dir, &e);
}

static void release(struct create_ctx *x)
{
	for (int i = 0; i < 2; i++)
		if (x->sync[i] >= 0)
			close(x->sync[i]);
	if (x->fifo >= 0)
		close(x->fifo);
	if (x->console >= 0)
		close(x->console);
	if (x->relay >= 0)
		close(x->relay);
	if (x->cg)
		isola_cgroup_free(x->cg);
	isola_idmount_release(x->idmap_fds, x->config ? x->config->n_mounts : 0);
	isola_state_clear(&x->state);
	isola_config_free(x->config);
	free(x->config_text);
}

/*
 * commit() already sent START: what is left of starting is the poststart
 * hooks. Up to spec 1.2 a failing one is a warning and the others run; from
 * 1.3.0 it fails the start, and the container is destroyed (lifecycle step 9).
 */
static int poststart_now(struct create_ctx *x, struct isola_error *err)
{
	const struct isola_hook_list *l = &x->config->hooks[ISOLA_HOOK_POSTSTART];
	if (!l->n)
		return 0;
	cleanup_free char *state = state_json_now(x, ISOLA_STATUS_RUNNING);
	struct isola_hook_run how = hook_run(x, "poststart", state);
	if (x->config->oci_minor >= 3)
		return isola_hooks_run_how(l, &how, err);
	isola_hooks_run_warn(l, &how, x->rt->warn, x->rt->warn_data);
	return 0;
}

/* Create (and with opts->start, start); held, when not NULL, keeps what delete needs. */
static int create(const struct isola_rt *rt, const struct isola_create_opts *opts, pid_t *init_pid,
		  struct isola_container *held, struct isola_error *err)
{
	struct create_ctx x = {.rt = rt,
			       .opts = opts,
			       .sync = {-1, -1},
			       .fifo = -1,
			       .console = -1,
			       .relay = -1,
			       .state = {.dirfd = -1}};
	int rc = -1;
	if (isola_id_check(opts->id, err) < 0)
		return -1;
	if (load_config(&x, err) < 0 || check_config(&x, err) < 0)
		goto out;
	if (setup_state(&x, err) < 0 || copy_config(&x, err) < 0 || compile_seccomp(&x, err) < 0 ||
	    setup_channels(&x, err) < 0 || spawn_init(&x, err) < 0 || drive_init(&x, err) < 0 ||
	    commit(&x, err) < 0)
		goto fail;
	if (opts->start && poststart_now(&x, err) < 0)
		goto fail;
	if (init_pid)
		*init_pid = x.pid;
	if (held) {
		/* Moved, not copied: release() below frees what is left in x. */
		isola_idmount_release(x.idmap_fds, x.config->n_mounts);
		x.idmap_fds = NULL;
		held->state = x.state;
		held->cg = x.cg;
		held->config = x.config;
		held->pid = x.pid;
		held->console = x.relay;
		x.relay = -1;
		held->warn = rt->warn;
		held->warn_data = rt->warn_data;
		memset(&x.state, 0, sizeof(x.state));
		x.state.dirfd = -1; /* nothing left for release() */
		x.cg = NULL;
		x.config = NULL;
	}
	rc = 0;
	goto out;
fail:
	undo(&x);
out:
	release(&x);
	return rc;
}

int isola_container_create(const struct isola_rt *rt, const struct isola_create_opts *opts,
			   pid_t *init_pid, struct isola_error *err)
{
	return create(rt, opts, init_pid, NULL, err);
}

struct isola_container *isola_container_run(const struct isola_rt *rt,
					    const struct isola_create_opts *opts,
					    struct isola_error *err)
{
	struct isola_container *h = calloc(1, sizeof(*h));
	if (!h) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "run");
		return NULL;
	}
	struct isola_create_opts o = *opts;
	o.start = true;
	h->console = -1;
	/* Before the init exists, so that none of its orphans can miss us. */
	if (opts->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (create(rt, &o, NULL, h, err) < 0) {
		free(h);
		return NULL;
	}
	return h;
}

pid_t isola_container_pid(const struct isola_container *c)
{
	return c->pid;
}
