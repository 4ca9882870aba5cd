/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp parsing: every error path names its JSON path; good profiles compile. */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "linux/seccomp.h"
#include "spec/seccomp.h"
#include "tap.h"
#include "test-seccomp-profile.h"

static struct isola_seccomp *parse_text(const char *text, struct isola_error *err)
{
	struct json_object *obj = json_tokener_parse(text);
	struct isola_seccomp *s;

	if (!obj) {
		snprintf(err->msg, sizeof(err->msg), "test: bad json");
		return NULL;
	}
	memset(err, 0, sizeof(*err));
	s = isola_seccomp_parse(obj, "linux.seccomp", err);
	json_object_put(obj);
	return s;
}

/* The profile must be rejected with a message containing want. */
static int rejects(const char *text, const char *want)
{
	struct isola_error err = {0};
	struct isola_seccomp *s = parse_text(text, &err);

	if (s) {
		printf("# accepted: %s\n", text);
		isola_seccomp_free(s);
		return 0;
	}
	if (!strstr(err.msg, want) || err.kind != ISOLA_ERR_INVALID) {
		printf("# \"%s\" does not contain \"%s\"\n", err.msg, want);
		return 0;
	}
	return 1;
}

TEST(minimal_profile)
{
	struct isola_error err = {0};
	struct isola_seccomp *s = parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", &err);

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(s->default_action == SCMP_ACT_ALLOW);
	CHECK(s->n_rules == 0 && s->n_archs == 0 && s->flags == 0);
	CHECK(!isola_seccomp_uses_notify(s));
	CHECK(isola_seccomp_compile(s, &err) == 0);
	CHECK(s->bpf != NULL && s->bpf_len > 0);
	isola_seccomp_free(s);
}

TEST(actions_and_errno)
{
	struct isola_error err = {0};
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		       "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		       "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_TRACE\"},"
		       "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":7},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL\"},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL_THREAD\"},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_TRAP\"},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\"},"
		       "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		       &err);

	CHECK(s != NULL);
	if (!s) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(s->default_action == SCMP_ACT_ERRNO(EPERM));
	CHECK(s->n_rules == 9);
	CHECK(s->rules[0].action == SCMP_ACT_ERRNO(38));
	CHECK(s->rules[1].action == SCMP_ACT_TRACE(EPERM));
	CHECK(s->rules[2].action == SCMP_ACT_TRACE(7));
	CHECK(s->rules[3].action == SCMP_ACT_KILL_THREAD);
	CHECK(s->rules[4].action == SCMP_ACT_KILL_PROCESS);
	CHECK(s->rules[6].action == SCMP_ACT_TRAP);
	CHECK(s->rules[7].action == SCMP_ACT_LOG);
	CHECK(s->rules[8].action == SCMP_ACT_ALLOW);
	isola_seccomp_free(s);
}

TEST(default_errno_ret)
{
	struct isola_error err = {0};
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38}", &err);

	CHECK(s && s->default_action == SCMP_ACT_ERRNO(38));
	isola_seccomp_free(s);
}

TEST(archs_flags_listener)
{
	struct isola_error err = {0};
	struct isola_seccomp *s = parse_text(
	    "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
	    "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_ARM\"],"
	    "\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\","
	    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\",\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
	    "\"listenerPath\":\"/run/agent.sock\",\"listenerMetadata\":\"meta\","
	    "\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
	    &err);

	CHECK(s != NULL);
	if (!s) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(s->n_archs == 5);
	CHECK(s->archs[0] == SCMP_ARCH_X86_64 && s->archs[3] == SCMP_ARCH_AARCH64);
	CHECK(s->flags ==
	      (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG |
	       SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV));
	CHECK_STR(s->listener_path, "/run/agent.sock");
	CHECK_STR(s->listener_metadata, "meta");
	CHECK(isola_seccomp_uses_notify(s));
	CHECK(isola_seccomp_compile(s, &err) == 0);
	isola_seccomp_free(s);
}

TEST(args_parse)
{
	struct isola_error err = {0};
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"dup\"],"
		       "\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
		       "{\"index\":5,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_GE\"},"
		       "{\"index\":1,\"value\":255,\"valueTwo\":3,\"op\":\"SCMP_CMP_MASKED_EQ\"},"
		       "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_NE\"},"
		       "{\"index\":2,\"value\":1,\"op\":\"SCMP_CMP_LT\"},"
		       "{\"index\":3,\"value\":1,\"op\":\"SCMP_CMP_LE\"},"
		       "{\"index\":4,\"value\":1,\"op\":\"SCMP_CMP_GT\"}]}]}",
		       &err);

	CHECK(s != NULL);
	if (!s) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(s->rules[0].n_args == 6);
	CHECK(s->rules[0].args[0].index == 5 && s->rules[0].args[0].value == UINT64_MAX);
	CHECK(s->rules[0].args[0].op == SCMP_CMP_GE);
	CHECK(s->rules[0].args[1].value == 255 && s->rules[0].args[1].value_two == 3);
	CHECK(s->rules[0].args[1].op == SCMP_CMP_MASKED_EQ);
	CHECK(isola_seccomp_compile(s, &err) == 0);
	isola_seccomp_free(s);
}

TEST(unknown_syscall_names_are_skipped)
{
	struct isola_error err = {0};
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":"
		       "[\"isolatest_no_such_syscall\",\"getpid\",\"socketcall\"],"
		       "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		       &err);

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(s->rules[0].n_syscalls == 2);
	CHECK(isola_seccomp_compile(s, &err) == 0);
	isola_seccomp_free(s);
}

TEST(engine_default_like_profile)
{
	struct isola_error err = {0};
	size_t n_names;
	char *text = test_profile_json(&n_names);
	struct isola_seccomp *s = parse_text(text, &err);

	CHECK(n_names > 250);
	CHECK(s != NULL);
	if (s) {
		CHECK(s->n_rules == 6);
		CHECK(s->n_archs == 3);
		CHECK(s->rules[0].n_syscalls == n_names + 2);
		CHECK(isola_seccomp_compile(s, &err) == 0);
		if (err.msg[0])
			printf("# %s\n", err.msg);
	} else {
		printf("# %s\n", err.msg);
	}
	isola_seccomp_free(s);
	free(text);
}

TEST(errors_top_level)
{
	CHECK(rejects("[]", "linux.seccomp: expected an object"));
	CHECK(rejects("{}", "linux.seccomp.defaultAction: required"));
	CHECK(rejects("{\"defaultAction\":1}", "linux.seccomp.defaultAction: expected a string"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_FOO\"}",
		      "linux.seccomp.defaultAction: unknown action SCMP_ACT_FOO"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/x\"}",
		      "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY can't be the default"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}",
		      "linux.seccomp.defaultErrnoRet: only valid with SCMP_ACT_ERRNO"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
		      "linux.seccomp.defaultErrnoRet: must not be negative"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":70000}",
		      "linux.seccomp.defaultErrnoRet: 70000 out of range"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":\"1\"}",
		      "linux.seccomp.defaultErrnoRet: expected an unsigned integer"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":\"x\"}",
		      "linux.seccomp.architectures: expected an array"));
	CHECK(
	    rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\","
		    "\"SCMP_ARCH_VAX\"]}",
		    "linux.seccomp.architectures[1]: unknown architecture SCMP_ARCH_VAX"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[3]}",
		      "linux.seccomp.architectures[0]: expected a string"));
	CHECK(
	    rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_X\"]}",
		    "linux.seccomp.flags[0]: unknown flag SECCOMP_FILTER_FLAG_X"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":5}",
		      "linux.seccomp.listenerPath: expected a string"));
	CHECK(rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}",
		      "linux.seccomp.syscalls: expected an array"));
}

#define RULE(x) "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[" x "]}"

TEST(errors_rules)
{
	CHECK(rejects(RULE("1"), "linux.seccomp.syscalls[0]: expected an object"));
	CHECK(
	    rejects(RULE("{\"names\":[\"read\"]}"), "linux.seccomp.syscalls[0].action: required"));
	CHECK(rejects(RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			   "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_BOGUS\"}"),
		      "linux.seccomp.syscalls[1].action: unknown action SCMP_ACT_BOGUS"));
	CHECK(rejects(RULE("{\"action\":\"SCMP_ACT_ERRNO\"}"),
		      "linux.seccomp.syscalls[0].names: required"));
	CHECK(rejects(RULE("{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}"),
		      "linux.seccomp.syscalls[0].names: required"));
	CHECK(rejects(RULE("{\"names\":[\"read\",2],\"action\":\"SCMP_ACT_ERRNO\"}"),
		      "linux.seccomp.syscalls[0].names[1]: expected a string"));
	CHECK(rejects(RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_LOG\",\"errnoRet\":1}"),
		      "linux.seccomp.syscalls[0].errnoRet: only valid with"));
	CHECK(rejects(RULE("{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}"),
		      "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"));
	CHECK(
	    rejects("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":"
		    "[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
		    "linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY can't be used for write"));
}

#define ARG(x)                                                                                     \
	RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"         \
	     "\"value\":1,\"op\":\"SCMP_CMP_EQ\"}," x "]}")

TEST(errors_args)
{
	CHECK(rejects(RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":{}}"),
		      "linux.seccomp.syscalls[0].args: expected an array"));
	CHECK(rejects(ARG("7"), "linux.seccomp.syscalls[0].args[1]: expected an object"));
	CHECK(rejects(ARG("{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].index: required"));
	CHECK(rejects(ARG("{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].index: 6 out of range"));
	CHECK(rejects(ARG("{\"index\":-1,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].index: must not be negative"));
	CHECK(rejects(ARG("{\"index\":1,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].value: required"));
	CHECK(rejects(ARG("{\"index\":1,\"value\":-5,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].value: must not be negative"));
	CHECK(rejects(ARG("{\"index\":1,\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].value: expected an unsigned integer"));
	CHECK(rejects(ARG("{\"index\":1,\"value\":1,\"valueTwo\":\"x\",\"op\":\"SCMP_CMP_EQ\"}"),
		      "linux.seccomp.syscalls[0].args[1].valueTwo: expected an unsigned integer"));
	CHECK(rejects(ARG("{\"index\":1,\"value\":1}"),
		      "linux.seccomp.syscalls[0].args[1].op: required"));
	CHECK(rejects(ARG("{\"index\":1,\"value\":1,\"op\":\"SCMP_CMP_XOR\"}"),
		      "linux.seccomp.syscalls[0].args[1].op: unknown operator SCMP_CMP_XOR"));
}

TEST(rule_equal_to_default_is_skipped)
{
	struct isola_error err = {0};
	struct isola_seccomp *s =
	    parse_text("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
		       "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1},"
		       "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
		       &err);

	CHECK(s != NULL);
	CHECK(s && isola_seccomp_compile(s, &err) == 0);
	isola_seccomp_free(s);
}

TEST(features_object)
{
	struct isola_error err = {0};
	struct json_object *lin = json_object_new_object(), *sec, *v;

	CHECK(isola_seccomp_features(lin, &err) == 0);
	CHECK(json_object_object_get_ex(lin, "seccomp", &sec));
	CHECK(json_object_object_get_ex(sec, "enabled", &v) && json_object_get_boolean(v));
	CHECK(json_object_object_get_ex(sec, "actions", &v) && json_object_array_length(v) == 9);
	CHECK(json_object_object_get_ex(sec, "operators", &v) && json_object_array_length(v) == 7);
	CHECK(json_object_object_get_ex(sec, "archs", &v) && json_object_array_length(v) >= 19);
	CHECK(json_object_object_get_ex(sec, "knownFlags", &v) && json_object_array_length(v) == 4);
	/* Linux >= 6.0 has all four. */
	CHECK(json_object_object_get_ex(sec, "supportedFlags", &v) &&
	      json_object_array_length(v) == 4);
	json_object_put(lin);
}

int main(void)
{
	return tap_run();
}
