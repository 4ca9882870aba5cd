/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPEC_SECCOMP_H
#define ISOLA_SPEC_SECCOMP_H

/*
 * The parsed linux.seccomp: spec/parse-seccomp.c makes it from JSON,
 * linux/seccomp-load.c turns it into BPF for the kernel. Actions are kept as
 * full libseccomp action values (errno/trace data included), so the parser
 * speaks libseccomp's numbers (header constants and syscall names).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <seccomp.h>

#include "isola/error.h"

#define ISOLA_SECCOMP_MAX_ARGS 6

struct isola_seccomp_arg {
	unsigned int index;
	enum scmp_compare op;
	uint64_t value, value_two;
};

struct isola_seccomp_rule {
	int *syscalls; /* native numbers (libseccomp pseudo numbers allowed); unknown names dropped
			*/
	size_t n_syscalls;
	uint32_t action;
	struct isola_seccomp_arg *args;
	size_t n_args;
};

struct isola_seccomp {
	uint32_t default_action;
	uint32_t *archs; /* libseccomp arch tokens this libseccomp knows */
	size_t n_archs;
	unsigned int flags; /* SECCOMP_FILTER_FLAG_* asked for in "flags" */
	char *listener_path;
	char *listener_metadata;
	struct isola_seccomp_rule *rules;
	size_t n_rules;
	bool uses_notify;
	/* The compiled program (isola_seccomp_compile); NULL until then. */
	void *bpf;
	size_t bpf_len; /* bytes */
};

/* Name tables (parse-seccomp.c), also used for `features`. */
struct isola_seccomp_name {
	const char *name;
	uint32_t value;
};
extern const struct isola_seccomp_name isola_seccomp_actions[];
extern const struct isola_seccomp_name isola_seccomp_ops[];
extern const struct isola_seccomp_name isola_seccomp_archs[]; /* value 0: unknown to libseccomp */
extern const struct isola_seccomp_name isola_seccomp_flags[];

struct json_object;
/* Parse and validate linux.seccomp (unknown action/arch/op/flag is an error). */
struct isola_seccomp *isola_seccomp_parse(struct json_object *obj, const char *path,
					  struct isola_error *err);
void isola_seccomp_free(struct isola_seccomp *s);

#endif
