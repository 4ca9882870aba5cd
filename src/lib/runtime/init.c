/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/sys.h"
#include "linux/console.h"
#include "linux/hooks.h"
#include "linux/ns.h"
#include "linux/process.h"
#include "linux/rootfs.h"
#include "linux/seccomp.h"
#include "runtime/bindsrc.h"
#include "runtime/init.h"
#include "runtime/sync.h"

static bool has_hooks(const struct isola_config *c, enum isola_hook_kind k)
{
	return c->hooks[k].n > 0;
}

/* Namespaces, then the rootfs up to pivot_root, with the hook points in between. */
static int init_namespaces(struct isola_init_ctx *x, struct isola_error *err)
{
	const struct isola_config *c = x->config;
	if (x->join_cgroup && isola_cgroup_enter_self(x->cg, x->cgroup_v2_done, err) < 0)
		return -1;
	/* The parent wrote our id maps before GO: become root of the new user namespace. */
	if (x->in_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return isola_err_sys(err, "become root in the user namespace");
	if (isola_ns_join_paths(c, ~(CLONE_NEWPID | CLONE_NEWTIME), err) < 0)
		return -1;
	if ((isola_ns_new_flags(c) & CLONE_NEWNET) && isola_ns_loopback_up(err) < 0)
		return -1;
	/* Only now, inside the container's cgroup: that cgroup becomes the namespace root. */
	if (x->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return isola_err_sys(err, "create cgroup namespace");
	return 0;
}

/* As runc: a missing cwd is created (as root, before the rootfs turns read-only). */
static int make_cwd(const struct isola_config *c, int rootfd, struct isola_error *err)
{
	if (!c->process.cwd || strcmp(c->process.cwd, "/") == 0)
		return 0;
	int fd = isola_mkdir_in_root(rootfd, c->process.cwd, 0755, err);
	if (fd < 0)
		return isola_err_prefix(err, "process.cwd");
	close(fd);
	return 0;
}

/*
 * Hooks the init runs (createContainer, startContainer) without env of their
 * own get the process's environment, not the runtime's: runc's init has
 * switched to it by then, and hook scripts written for runc rely on it.
 */
static void init_hooks_env(const struct isola_config *c)
{
	static char *empty[] = {NULL};
	if (has_hooks(c, ISOLA_HOOK_CREATE_CONTAINER) || has_hooks(c, ISOLA_HOOK_START_CONTAINER))
		environ = c->process.env ? c->process.env : empty;
}

static int init_rootfs(struct isola_init_ctx *x, struct isola_rootfs *r, const char *state,
		       struct isola_error *err)
{
	const struct isola_config *c = x->config;
	int *premade = NULL;
	if (x->in_userns && isola_bindsrc_recv(x->sync, c, x->idmap_fds, &premade, err) < 0)
		return -1;
	*r = (struct isola_rootfs){.config = c,
				   .cg = x->cg,
				   .in_userns = x->in_userns,
				   .no_pivot = x->opts->no_pivot,
				   .rootfd = -1,
				   .devnull = -1,
				   .idmap_fds = premade ? premade : x->idmap_fds};
	int rc = isola_rootfs_prepare(r, err);
	isola_bindsrc_release(premade, x->idmap_fds, c->n_mounts);
	r->idmap_fds = NULL;
	if (rc < 0)
		return -1;
	if (has_hooks(c, ISOLA_HOOK_PRESTART) || has_hooks(c, ISOLA_HOOK_CREATE_RUNTIME)) {
		if (isola_sync_send(x->sync, ISOLA_SYNC_HOOKS, NULL, -1, err) < 0 ||
		    isola_sync_recv(x->sync, ISOLA_SYNC_HOOKS_DONE, NULL, NULL, err) < 0)
			return -1;
	}
	init_hooks_env(c);
	/* As runc: in the rootfs (not yet pivoted to), for scripts that use ./lib/... paths. */
	struct isola_hook_run how = {
	    .kind = "createContainer", .state = state, .cwd = c->root_path};
	if (isola_hooks_run_how(&c->hooks[ISOLA_HOOK_CREATE_CONTAINER], &how, err) < 0)
		return -1;
	/* sysctls go through /proc/sys before readonlyPaths make it read-only. */
	if (isola_rootfs_pivot(r, err) < 0 || isola_container_identity(c, err) < 0 ||
	    make_cwd(c, r->rootfd, err) < 0)
		return -1;
	return isola_rootfs_finalize(r, err);
}

/* The seccomp listener goes to the runtime, which hands it to listenerPath. */
static int send_notify_fd(struct isola_init_ctx *x, int notify, struct isola_error *err)
{
	if (notify < 0)
		return 0;
	int r = isola_sync_send(x->sync, ISOLA_SYNC_SECCOMP_FD, NULL, notify, err);
	close(notify);
	return r;
}

static int init_process(struct isola_init_ctx *x, struct isola_rootfs *r, struct isola_launch *l,
			struct isola_error *err)
{
	const struct isola_process *p = &x->config->process;
	if (p->terminal && isola_console_setup(r->rootfd, x->console_sock, p, true, err) < 0)
		return -1;
	if (x->console_sock >= 0)
		close(x->console_sock);
	if (!x->opts->no_new_keyring) {
		char name[128];
		snprintf(name, sizeof(name), "_ses.%s", x->opts->id);
		/* Best effort, as runc: kernels without keyrings or in a userns may refuse. */
		sys_keyctl_join_session(name);
	}
	if (isola_process_limits(p, err) < 0 ||
	    isola_process_prepare(p, r->rootfd, x->opts->preserve_fds, l, err) < 0)
		return -1;
	/* Done with the rootfs fds: even their close is not left for under the filter. */
	isola_rootfs_release(r);
	int notify = -1;
	if (isola_process_seal(p, x->config->seccomp, l, &notify, err) < 0)
		return -1;
	return send_notify_fd(x, notify, err);
}

static int wait_start(struct isola_init_ctx *x, struct isola_error *err)
{
	if (x->fifo < 0)
		return isola_sync_recv(x->sync, ISOLA_SYNC_START, NULL, NULL, err);
	char b;
	ssize_t n;
	do
		n = read(x->fifo, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return isola_err_sys(err, "wait for start");
	/* Kept open until execve closes it: `start` waits for that (hooks included). */
	return 0;
}

/* No fd of the caller may reach the container but stdio and the preserved ones. */
static int close_unneeded_fds(struct isola_init_ctx *x, struct isola_error *err)
{
	size_t nm = x->idmap_fds ? x->config->n_mounts : 0;
	cleanup_free int *keep = malloc((3 + nm) * sizeof(int));
	if (!keep)
		return isola_err_sys(err, "alloc");
	keep[0] = x->sync;
	keep[1] = x->fifo;
	keep[2] = x->console_sock;
	for (size_t i = 0; i < nm; i++)
		keep[3 + i] = x->idmap_fds[i];
	return isola_close_fds_except(3 + x->opts->preserve_fds, keep, 3 + nm, err);
}

static int init_steps(struct isola_init_ctx *x, struct isola_launch *l, const char **phase,
		      struct isola_error *err)
{
	const struct isola_config *c = x->config;
	cleanup_free char *state = NULL;
	struct isola_rootfs r = {.rootfd = -1, .devnull = -1};
	if (close_unneeded_fds(x, err) < 0)
		return -1;
	/* Nodes and dirs we create get exactly the modes asked for; the process's umask comes
	 * later. */
	umask(0);
	/* GO carries the state JSON that hooks get on stdin. */
	if (x->wait_go && isola_sync_recv(x->sync, ISOLA_SYNC_GO, NULL, &state, err) < 0)
		return -1;
	/*
	 * Until execve resets it: nothing in a joined pid namespace may ptrace us
	 * (CVE-2016-9962). Only after GO: a non-dumpable process's /proc files
	 * belong to root, and an unprivileged runtime writes our id maps there.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	int rc = -1;
	if (init_namespaces(x, err) < 0 || init_rootfs(x, &r, state, err) < 0 ||
	    init_process(x, &r, l, err) < 0 ||
	    isola_sync_send(x->sync, ISOLA_SYNC_READY, NULL, -1, err) < 0)
		goto out;
	/* create: COMMIT, then the exec fifo; run (no fifo): START alone says both. */
	if (x->fifo >= 0 && isola_sync_recv(x->sync, ISOLA_SYNC_COMMIT, NULL, NULL, err) < 0)
		goto out;
	*phase = "start";
	/* Under the filter: a startContainer hook is exec'd by us, inside, as with runc. */
	struct isola_hook_run start = {.kind = "startContainer", .state = state, .env = l->env};
	if (wait_start(x, err) < 0 ||
	    isola_hooks_run_how(&c->hooks[ISOLA_HOOK_START_CONTAINER], &start, err) < 0)
		goto out;
	rc = 0;
out:
	isola_rootfs_release(&r);
	return rc;
}

void isola_init_main(struct isola_init_ctx *x)
{
	struct isola_error err = {0};
	struct isola_launch l = {0};
	const char *phase = "create";
	if (init_steps(x, &l, &phase, &err) == 0) {
		close(x->sync);
		isola_process_exec(&x->config->process, &l, &err);
	}
	/* Before start the runtime reports the error; after it only stderr is left. */
	if (strcmp(phase, "create") == 0)
		isola_sync_send(x->sync, ISOLA_SYNC_ERROR, NULL, -1, &err);
	else
		fprintf(stderr, "%s: %s\n", x->prog, err.msg);
	_exit(127);
}
