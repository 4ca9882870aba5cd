/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linux.resources.devices. v1: rules written in order to devices.allow and
 * devices.deny. v2 has no devices controller: a BPF_PROG_TYPE_CGROUP_DEVICE
 * program attached to the cgroup decides each access. The spec's list is
 * "last matching rule wins", so the program tests the rules last to first
 * and denies what none matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"
#include "core/strbuild.h"
#include "core/sys.h"

#define DEV "linux.resources.devices"

static void rule_text(const struct isola_res_device *d, char *buf, size_t len)
{
	char *end = buf + len, *p;
	if (!len)
		return;
	if (d->type == 'a') {
		isola_stpecpy(buf, end, "a");
		return;
	}
	p = isola_stpechr(isola_stpechr(buf, end, d->type), end, ' ');
	p = d->major >= 0 ? isola_stpei64(p, end, d->major) : isola_stpechr(p, end, '*');
	p = isola_stpechr(p, end, ':');
	p = d->minor >= 0 ? isola_stpei64(p, end, d->minor) : isola_stpechr(p, end, '*');
	isola_stpecpy(isola_stpechr(p, end, ' '), end, d->access[0] ? d->access : "rwm");
}

static int open_rules(const struct cg_hier *h, const char *file, struct isola_error *err)
{
	cleanup_free char *p = cg_path_join(h->dir, file);
	int fd = p ? open(p, O_WRONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return isola_err_sys(err, DEV ": open \"%s/%s\"", h->dir, file);
	return fd;
}

/* One open per file, one write per rule: the kernel parses each write as one rule. */
int cg_devices_v1(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	cleanup_close int allow = -1, deny = -1;
	char rule[96];
	for (size_t i = 0; i < a->r->n_devices; i++) {
		const struct isola_res_device *d = &a->r->devices[i];
		int *fd = d->allow ? &allow : &deny;
		if (*fd < 0 &&
		    (*fd = open_rules(h, d->allow ? "devices.allow" : "devices.deny", err)) < 0)
			return -1;
		rule_text(d, rule, sizeof(rule));
		if (write(*fd, rule, strlen(rule)) < 0)
			return isola_err_sys(err, DEV "[%zu]: write \"%s\" to \"%s\"", i, rule,
					     h->dir);
	}
	return 0;
}

/* ---- v2: the eBPF program ---- */

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define LDX_W(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV32_REG(d, s) INSN(BPF_ALU | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int access_bits(const char *acc)
{
	int bits = 0;
	if (!acc[0])
		return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	for (; *acc; acc++)
		bits |= *acc == 'r'   ? BPF_DEVCG_ACC_READ
			: *acc == 'w' ? BPF_DEVCG_ACC_WRITE
				      : BPF_DEVCG_ACC_MKNOD;
	return bits;
}

/* One rule: every check jumps past the block on mismatch; a full match returns. */
static size_t emit_rule(const struct isola_res_device *d, struct bpf_insn *p)
{
	const int all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
	int acc = access_bits(d->access);
	bool t = d->type != 'a', ma = t && d->major >= 0, mi = t && d->minor >= 0;
	int len = (t ? 1 : 0) + (acc != all ? 3 : 0) + (ma ? 1 : 0) + (mi ? 1 : 0) + 2, n = 0;
	/* r2 type, r3 access, r4 major, r5 minor (see prologue); SKIP jumps to the next rule */
#define SKIP() (len - n - 1)
	if (t) {
		p[n] = JNE_IMM(BPF_REG_2, d->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK,
			       SKIP());
		n++;
	}
	if (acc != all) {
		p[n++] = MOV32_REG(BPF_REG_1, BPF_REG_3);
		p[n++] = ALU32_IMM(BPF_AND, BPF_REG_1, ~acc & all);
		p[n] = JNE_IMM(BPF_REG_1, 0, SKIP());
		n++;
	}
	if (ma) {
		p[n] = JNE_IMM(BPF_REG_4, (int32_t)d->major, SKIP());
		n++;
	}
	if (mi) {
		p[n] = JNE_IMM(BPF_REG_5, (int32_t)d->minor, SKIP());
		n++;
	}
#undef SKIP
	p[n++] = MOV64_IMM(BPF_REG_0, d->allow ? 1 : 0);
	p[n++] = EXIT();
	return (size_t)n;
}

static struct bpf_insn *build_prog(const struct isola_resources *r, size_t *count)
{
	struct bpf_insn *p = calloc(8 + 9 * r->n_devices, sizeof(*p));
	size_t n = 0;
	if (!p)
		return NULL;
	/* struct bpf_cgroup_dev_ctx: access_type = access << 16 | type, major, minor */
	p[n++] = LDX_W(BPF_REG_2, BPF_REG_1, 0);
	p[n++] = MOV32_REG(BPF_REG_3, BPF_REG_2);
	p[n++] = ALU32_IMM(BPF_AND, BPF_REG_2, 0xffff);
	p[n++] = ALU32_IMM(BPF_RSH, BPF_REG_3, 16);
	p[n++] = LDX_W(BPF_REG_4, BPF_REG_1, 4);
	p[n++] = LDX_W(BPF_REG_5, BPF_REG_1, 8);
	for (size_t i = r->n_devices; i-- > 0;) {
		const struct isola_res_device *d = &r->devices[i];
		n += emit_rule(d, p + n);
		/* the verifier rejects unreachable code: nothing after a catch-all */
		if (d->type == 'a' && access_bits(d->access) == 7) {
			*count = n;
			return p;
		}
	}
	p[n++] = MOV64_IMM(BPF_REG_0, 0);
	p[n++] = EXIT();
	*count = n;
	return p;
}

static int load_prog(const struct isola_resources *r, struct isola_error *err)
{
	static char log[8192];
	size_t n = 0;
	cleanup_free struct bpf_insn *insns = build_prog(r, &n);
	union bpf_attr attr;
	if (!insns)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, DEV);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		int e = errno;
		log[sizeof(log) - 1] = '\0';
		return isola_err(err, ISOLA_ERR_SYSTEM, e,
				 DEV ": load the eBPF device filter (%.300s)", log);
	}
	return fd;
}

/* Programs attached before ours (an earlier create or update) are replaced. */
static void detach_old(int cgfd, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		union bpf_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = ids[i];
		cleanup_close int pfd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr, sizeof(attr));
		if (pfd < 0)
			continue;
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t)cgfd;
		attr.attach_bpf_fd = (uint32_t)pfd;
		attr.attach_type = BPF_CGROUP_DEVICE;
		sys_bpf(BPF_PROG_DETACH, &attr, sizeof(attr));
	}
}

int cg_devices_v2(const struct cg_apply *a, const struct cg_hier *h, struct isola_error *err)
{
	cleanup_close int cgfd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int pfd = -1;
	uint32_t ids[64];
	union bpf_attr attr;
	if (cgfd < 0)
		return isola_err_sys(err, "open \"%s\"", h->dir);
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = 64;
	if (sys_bpf(BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		attr.query.prog_cnt = 0;
	uint32_t nold = attr.query.prog_cnt;
	pfd = load_prog(a->r, err);
	if (pfd < 0)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)pfd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return isola_err_sys(err, DEV ": attach the eBPF device filter to \"%s\"", h->dir);
	detach_old(cgfd, ids, nold);
	return 0;
}
