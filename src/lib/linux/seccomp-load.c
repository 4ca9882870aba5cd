/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct isola_seccomp -> BPF (libseccomp) -> seccomp(2). The program is
 * exported from libseccomp and loaded with the raw syscall so the flags
 * (TSYNC, LOG, SPEC_ALLOW, NEW_LISTENER, WAIT_KILLABLE_RECV) are exactly the
 * ones asked for, whatever this libseccomp version knows, and so the
 * translation can happen in the parent, before the container exists.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "core/cleanup.h"
#include "core/sys.h"
#include "linux/seccomp.h"
#include "spec/seccomp.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}
#define cleanup_scmp __attribute__((cleanup(ctx_releasep)))

static const char *syscall_name(int nr, char *buf, size_t len)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

	snprintf(buf, len, "%s", name ? name : "?");
	free(name);
	return buf;
}

/*
 * libseccomp can't AND two conditions on the same argument in one rule.
 * When a rule has that, each condition becomes a rule of its own, as runc
 * does: the conditions are then ORed, which is what such profiles mean in
 * practice (e.g. several allowed values of one flag argument).
 */
static int add_rule(scmp_filter_ctx ctx, const struct isola_seccomp_rule *r, int nr)
{
	struct scmp_arg_cmp cmp[ISOLA_SECCOMP_MAX_ARGS * 4];
	unsigned int seen = 0;
	bool same_index = false;
	size_t n = r->n_args;

	if (n == 0)
		return seccomp_rule_add_array(ctx, r->action, nr, 0, NULL);
	if (n > sizeof(cmp) / sizeof(cmp[0]))
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		const struct isola_seccomp_arg *a = &r->args[i];

		cmp[i] = (struct scmp_arg_cmp){a->index, a->op, a->value, a->value_two};
		if (seen & (1u << a->index))
			same_index = true;
		seen |= 1u << a->index;
	}
	if (!same_index)
		return seccomp_rule_add_array(ctx, r->action, nr, (unsigned int)n, cmp);
	for (size_t i = 0; i < n; i++) {
		int rc = seccomp_rule_add_array(ctx, r->action, nr, 1, &cmp[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct isola_seccomp *s, struct isola_error *err)
{
	char name[64];

	for (size_t i = 0; i < s->n_rules; i++) {
		const struct isola_seccomp_rule *r = &s->rules[i];

		/* libseccomp refuses rules that repeat the default action. */
		if (r->action == s->default_action)
			continue;
		for (size_t j = 0; j < r->n_syscalls; j++) {
			int rc = add_rule(ctx, r, r->syscalls[j]);
			if (rc < 0)
				return isola_err(err, ISOLA_ERR_INVALID, -rc,
						 "seccomp: syscalls[%zu]: add rule for %s", i,
						 syscall_name(r->syscalls[j], name, sizeof(name)));
		}
	}
	return 0;
}

/*
 * Syscalls newer than every one the profile names fail with ENOSYS instead of
 * the default action, as runc does: a profile written before clone3 would
 * otherwise answer it with EPERM, and a libc only falls back to clone on
 * ENOSYS. "Newer" means a higher native number, which holds for everything
 * added since Linux 5.x (one number for all architectures). Only syscalls
 * libseccomp knows can get a rule (others keep the default action); the
 * cost is paid at compile time, which the cache skips.
 */
#define ISOLA_SECCOMP_NR_SCAN 1024

static int add_enosys(scmp_filter_ctx ctx, const struct isola_seccomp *s, struct isola_error *err)
{
	int max = -1;
	/*
	 * Nothing to add when unnamed syscalls are allowed, or already get ENOSYS
	 * (podman's default profile): libseccomp refuses a rule whose action is
	 * the default one (-EACCES).
	 */
	if (s->default_action == SCMP_ACT_ALLOW || s->default_action == SCMP_ACT_LOG ||
	    s->default_action == SCMP_ACT_ERRNO(ENOSYS))
		return 0;
	for (size_t i = 0; i < s->n_rules; i++)
		for (size_t j = 0; j < s->rules[i].n_syscalls; j++)
			if (s->rules[i].syscalls[j] > max)
				max = s->rules[i].syscalls[j];
	/* A profile that names nothing denies everything with its own errno. */
	for (int nr = max + 1; max >= 0 && nr < ISOLA_SECCOMP_NR_SCAN; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		int rc = 0;
		if (name)
			rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL);
		free(name);
		/* -EEXIST/-EDOM: an architecture of the filter lacks it or has it already. */
		if (rc < 0 && rc != -EEXIST && rc != -EDOM)
			return isola_err(err, ISOLA_ERR_INVALID, -rc,
					 "seccomp: ENOSYS rule for syscall %d", nr);
	}
	return 0;
}

static scmp_filter_ctx build_ctx(const struct isola_seccomp *s, struct isola_error *err)
{
	cleanup_scmp scmp_filter_ctx ctx = seccomp_init(s->default_action);
	int rc;

	if (!ctx) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "seccomp: init filter with default action");
		return NULL;
	}
	/* no_new_privs is process.noNewPrivileges' business, not the filter's. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; rc == 0 && i < s->n_archs; i++) {
		rc = seccomp_arch_add(ctx, s->archs[i]);
		if (rc == -EEXIST) /* the native arch is always there */
			rc = 0;
	}
	if (rc < 0) {
		isola_err(err, ISOLA_ERR_INVALID, -rc, "seccomp: set up architectures");
		return NULL;
	}
	if (add_rules(ctx, s, err) < 0 || add_enosys(ctx, s, err) < 0)
		return NULL;
	return steal_ptr(ctx);
}

/* libseccomp 2.5 exports only to an fd: a memfd keeps it off any filesystem. */
static int export_bpf(scmp_filter_ctx ctx, void **bpf, size_t *len, struct isola_error *err)
{
	cleanup_close int fd = memfd_create("isola-seccomp", MFD_CLOEXEC);
	cleanup_free void *buf = NULL;
	struct stat st;
	int rc;

	if (fd < 0)
		return isola_err_sys(err, "seccomp: memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return isola_err(err, ISOLA_ERR_INVALID, -rc, "seccomp: export bpf");
	if (fstat(fd, &st) < 0)
		return isola_err_sys(err, "seccomp: stat exported bpf");
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0 ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "seccomp: filter has %lld bytes (max %d instructions)",
				 (long long)st.st_size, BPF_MAXINSNS);
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "seccomp: export bpf");
	if (pread(fd, buf, (size_t)st.st_size, 0) != st.st_size)
		return isola_err_sys(err, "seccomp: read exported bpf");
	*bpf = steal_ptr(buf);
	*len = (size_t)st.st_size;
	return 0;
}

static int compile_to(const struct isola_seccomp *s, void **bpf, size_t *len,
		      struct isola_error *err)
{
	cleanup_scmp scmp_filter_ctx ctx = build_ctx(s, err);

	if (!ctx)
		return -1;
	return export_bpf(ctx, bpf, len, err);
}

int isola_seccomp_compile(struct isola_seccomp *s, struct isola_error *err)
{
	void *bpf = NULL;
	size_t len = 0;

	if (s->bpf)
		return 0;
	if (compile_to(s, &bpf, &len, err) < 0)
		return -1;
	s->bpf = bpf;
	s->bpf_len = len;
	return 0;
}

static unsigned int load_flags(const struct isola_seccomp *s)
{
	unsigned int flags = s->flags;

	if (s->uses_notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* TSYNC and NEW_LISTENER both use the return value: ESRCH on sync failure. */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	} else {
		/* Only meaningful with a listener; the kernel rejects it alone. */
		flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	}
	return flags;
}

static int load_program(const struct isola_seccomp *s, void *bpf, size_t len, int *notify_fd,
			struct isola_error *err)
{
	struct sock_fprog prog = {
	    .len = (unsigned short)(len / sizeof(struct sock_filter)),
	    .filter = bpf,
	};
	unsigned int flags = load_flags(s);
	long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);

	if (rc < 0 && errno == EACCES)
		return isola_err_sys(err, "seccomp: load filter (needs no_new_privs or "
					  "CAP_SYS_ADMIN)");
	if (rc < 0)
		return isola_err_sys(err, "seccomp: load filter (flags %#x)", flags);
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		*notify_fd = (int)rc;
	else if (rc > 0) /* TSYNC: the id of a thread that could not be synchronized */
		return isola_err(err, ISOLA_ERR_SYSTEM, 0,
				 "seccomp: thread %ld could not be synchronized", rc);
	return 0;
}

int isola_seccomp_load(const struct isola_seccomp *s, int *notify_fd, struct isola_error *err)
{
	cleanup_free void *own = NULL;
	void *bpf = s->bpf;
	size_t len = s->bpf_len;

	*notify_fd = -1;
	if (!bpf) {
		if (compile_to(s, &own, &len, err) < 0)
			return -1;
		bpf = own;
	}
	return load_program(s, bpf, len, notify_fd, err);
}
