/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * linux.seccomp -> struct isola_seccomp. Everything is validated here so a
 * bad profile fails at `create` with its JSON path, never in the container
 * init. Syscall names this libseccomp does not know are skipped, not
 * rejected: profiles list syscalls of newer kernels (runc does the same).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <linux/seccomp.h>

#include "core/cleanup.h"
#include "spec/json-util.h"
#include "spec/seccomp.h"

#define ACT_ERRNO_BASE SCMP_ACT_ERRNO(0)
#define ACT_TRACE_BASE SCMP_ACT_TRACE(0)

const struct isola_seccomp_name isola_seccomp_actions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", ACT_ERRNO_BASE},
    {"SCMP_ACT_TRACE", ACT_TRACE_BASE},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY},
    {NULL, 0},
};

const struct isola_seccomp_name isola_seccomp_ops[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

/* Every architecture the runtime-spec names; 0 where this libseccomp lacks it. */
#ifndef SCMP_ARCH_LOONGARCH64
#define SCMP_ARCH_LOONGARCH64 0
#endif
#ifndef SCMP_ARCH_M68K
#define SCMP_ARCH_M68K 0
#endif
#ifndef SCMP_ARCH_SH
#define SCMP_ARCH_SH 0
#endif
#ifndef SCMP_ARCH_SHEB
#define SCMP_ARCH_SHEB 0
#endif
const struct isola_seccomp_name isola_seccomp_archs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
    {NULL, 0},
};

const struct isola_seccomp_name isola_seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
    {NULL, 0},
};

/* errno values fit the 16 data bits of a seccomp return value. */
#define ERRNO_RET_MAX 0xffff

static const struct isola_seccomp_name *lookup(const struct isola_seccomp_name *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* Combine an action name and an optional errnoRet into one libseccomp action. */
static int parse_action(struct json_object *obj, const char *path, const char *action_key,
			const char *errno_key, uint32_t *out, struct isola_error *err)
{
	const struct isola_seccomp_name *a;
	const char *name = NULL;
	uint64_t ret = 0;
	bool has_ret;
	int got;

	if (ju_required(ju_string(obj, path, action_key, &name, err), path, action_key, err) < 0)
		return -1;
	a = lookup(isola_seccomp_actions, name);
	if (!a)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.%s: unknown action %s", path,
				 action_key, name);
	got = ju_u64(obj, path, errno_key, &ret, err);
	if (got < 0)
		return -1;
	has_ret = got > 0;
	if (has_ret && a->value != ACT_ERRNO_BASE && a->value != ACT_TRACE_BASE)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s.%s: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
				 path, errno_key, name);
	if (has_ret && ret > ERRNO_RET_MAX)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.%s: %" PRIu64 " out of range", path,
				 errno_key, ret);
	*out = a->value;
	if (a->value == ACT_ERRNO_BASE || a->value == ACT_TRACE_BASE)
		*out |= (uint32_t)(has_ret ? ret : EPERM);
	return 0;
}

static int parse_string_list(struct json_object *arr, const char *path, const char *key,
			     const struct isola_seccomp_name *table, const char *what,
			     uint32_t **out, size_t *n, struct isola_error *err)
{
	size_t len = json_object_array_length(arr);

	*out = calloc(len ? len : 1, sizeof(**out));
	if (!*out)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.%s", path, key);
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const struct isola_seccomp_name *e;

		if (!json_object_is_type(v, json_type_string))
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.%s[%zu]: expected a string",
					 path, key, i);
		e = lookup(table, json_object_get_string(v));
		if (!e)
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.%s[%zu]: unknown %s %s",
					 path, key, i, what, json_object_get_string(v));
		(*out)[(*n)++] = e->value;
	}
	return 0;
}

static int parse_archs_flags(struct json_object *obj, const char *path, struct isola_seccomp *s,
			     struct isola_error *err)
{
	struct json_object *arr = NULL;
	cleanup_free uint32_t *flags = NULL;
	size_t n_flags = 0, kept = 0, len;

	if (ju_array(obj, path, "architectures", &arr, &len, err) < 0)
		return -1;
	if (arr && parse_string_list(arr, path, "architectures", isola_seccomp_archs,
				     "architecture", &s->archs, &s->n_archs, err) < 0)
		return -1;
	/* Architectures this libseccomp can't build for are left out of the filter. */
	for (size_t i = 0; i < s->n_archs; i++)
		if (s->archs[i] != 0)
			s->archs[kept++] = s->archs[i];
	s->n_archs = kept;

	arr = NULL;
	if (ju_array(obj, path, "flags", &arr, &len, err) < 0)
		return -1;
	if (arr && parse_string_list(arr, path, "flags", isola_seccomp_flags, "flag", &flags,
				     &n_flags, err) < 0)
		return -1;
	for (size_t i = 0; i < n_flags; i++)
		s->flags |= flags[i];
	return 0;
}

static int parse_arg(struct json_object *obj, const char *path, struct isola_seccomp_arg *a,
		     struct isola_error *err)
{
	const struct isola_seccomp_name *op;
	const char *opname = NULL;
	uint64_t index = 0;

	if (!json_object_is_type(obj, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	if (ju_required(ju_u64(obj, path, "index", &index, err), path, "index", err) < 0)
		return -1;
	if (index >= ISOLA_SECCOMP_MAX_ARGS)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s.index: %" PRIu64 " out of range (syscalls have 6 arguments)",
				 path, index);
	a->index = (unsigned int)index;
	if (ju_required(ju_u64(obj, path, "value", &a->value, err), path, "value", err) < 0 ||
	    ju_u64(obj, path, "valueTwo", &a->value_two, err) < 0 ||
	    ju_required(ju_string(obj, path, "op", &opname, err), path, "op", err) < 0)
		return -1;
	op = lookup(isola_seccomp_ops, opname);
	if (!op)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.op: unknown operator %s", path,
				 opname);
	a->op = (enum scmp_compare)op->value;
	return 0;
}

static int parse_args(struct json_object *obj, const char *path, struct isola_seccomp_rule *r,
		      struct isola_error *err)
{
	struct json_object *arr = NULL;
	char sub[512];
	size_t len = 0;

	int got = ju_array(obj, path, "args", &arr, &len, err);

	if (got <= 0)
		return got;
	r->args = calloc(len ? len : 1, sizeof(*r->args));
	if (!r->args)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.args", path);
	for (size_t i = 0; i < len; i++) {
		snprintf(sub, sizeof(sub), "%s.args[%zu]", path, i);
		if (parse_arg(json_object_array_get_idx(arr, i), sub, &r->args[i], err) < 0)
			return -1;
		r->n_args++;
	}
	return 0;
}

/*
 * "names" -> syscall numbers. The runtime syncs with its parent with write(2)
 * after loading the filter, so notifying on write would hang the container
 * before anyone listens (runc refuses it too).
 */
static int parse_names(struct json_object *obj, const char *path, struct isola_seccomp_rule *r,
		       struct isola_error *err)
{
	struct json_object *arr = NULL;
	size_t len = 0;

	if (ju_array(obj, path, "names", &arr, &len, err) < 0)
		return -1;
	if (len == 0)
		return ju_err(err, path, "names", "required, at least one");
	r->syscalls = calloc(len, sizeof(*r->syscalls));
	if (!r->syscalls)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.names", path);
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *name;
		int nr;

		if (!json_object_is_type(v, json_type_string))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "%s.names[%zu]: expected a string", path, i);
		name = json_object_get_string(v);
		if (r->action == SCMP_ACT_NOTIFY && strcmp(name, "write") == 0)
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "%s.names[%zu]: SCMP_ACT_NOTIFY can't be used for write",
					 path, i);
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue;
		r->syscalls[r->n_syscalls++] = nr;
	}
	return 0;
}

static int parse_rule(struct json_object *obj, const char *path, struct isola_seccomp_rule *r,
		      struct isola_error *err)
{
	if (!json_object_is_type(obj, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	if (parse_action(obj, path, "action", "errnoRet", &r->action, err) < 0)
		return -1;
	if (parse_names(obj, path, r, err) < 0)
		return -1;
	return parse_args(obj, path, r, err);
}

static int parse_rules(struct json_object *obj, const char *path, struct isola_seccomp *s,
		       struct isola_error *err)
{
	struct json_object *arr = NULL;
	char sub[512];
	size_t len = 0;
	int got = ju_array(obj, path, "syscalls", &arr, &len, err);

	if (got <= 0)
		return got;
	s->rules = calloc(len ? len : 1, sizeof(*s->rules));
	if (!s->rules)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.syscalls", path);
	for (size_t i = 0; i < len; i++) {
		struct isola_seccomp_rule *r = &s->rules[s->n_rules++];

		snprintf(sub, sizeof(sub), "%s.syscalls[%zu]", path, i);
		if (parse_rule(json_object_array_get_idx(arr, i), sub, r, err) < 0)
			return -1;
		if (r->action == SCMP_ACT_NOTIFY)
			s->uses_notify = true;
	}
	return 0;
}

static int parse_listener(struct json_object *obj, const char *path, struct isola_seccomp *s,
			  struct isola_error *err)
{
	const char *lpath = NULL, *meta = NULL;

	if (ju_string(obj, path, "listenerPath", &lpath, err) < 0 ||
	    ju_string(obj, path, "listenerMetadata", &meta, err) < 0)
		return -1;
	if (lpath && *lpath && !(s->listener_path = strdup(lpath)))
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.listenerPath", path);
	if (meta && *meta && !(s->listener_metadata = strdup(meta)))
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.listenerMetadata", path);
	if (s->uses_notify && !s->listener_path)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s.listenerPath: required when SCMP_ACT_NOTIFY is used", path);
	return 0;
}

static int parse_all(struct json_object *obj, const char *path, struct isola_seccomp *s,
		     struct isola_error *err)
{
	if (parse_action(obj, path, "defaultAction", "defaultErrnoRet", &s->default_action, err) <
	    0)
		return -1;
	/* The runtime itself would be stopped at its first syscall after loading. */
	if (s->default_action == SCMP_ACT_NOTIFY)
		return isola_err(err, ISOLA_ERR_INVALID, 0,
				 "%s.defaultAction: SCMP_ACT_NOTIFY can't be the default action",
				 path);
	if (parse_archs_flags(obj, path, s, err) < 0 || parse_rules(obj, path, s, err) < 0)
		return -1;
	return parse_listener(obj, path, s, err);
}

struct isola_seccomp *isola_seccomp_parse(struct json_object *obj, const char *path,
					  struct isola_error *err)
{
	struct isola_seccomp *s;

	if (!json_object_is_type(obj, json_type_object)) {
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected an object", path);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
		return NULL;
	}
	if (parse_all(obj, path, s, err) < 0) {
		isola_seccomp_free(s);
		return NULL;
	}
	return s;
}

void isola_seccomp_free(struct isola_seccomp *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_rules; i++) {
		free(s->rules[i].syscalls);
		free(s->rules[i].args);
	}
	free(s->rules);
	free(s->archs);
	free(s->listener_path);
	free(s->listener_metadata);
	free(s->bpf);
	free(s);
}

bool isola_seccomp_uses_notify(const struct isola_seccomp *s)
{
	return s && s->uses_notify;
}
