/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capability masks, and the five sets applied for real in forked children
 * (prepare -> setresuid -> apply, as the container init does), checked in
 * /proc/self/status.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "linux/caps.h"
#include "tap.h"

#define BIT(c) (UINT64_C(1) << (c))

TEST(mask_limits_to_kernel_caps)
{
	CHECK(isola_caps_mask(UINT64_MAX, 40) == BIT(41) - 1);
	CHECK(isola_caps_mask(UINT64_MAX, 63) == UINT64_MAX);
	CHECK(isola_caps_mask(UINT64_MAX, 0) == 1);
	CHECK(isola_caps_mask(UINT64_MAX, -1) == 0);
	CHECK(isola_caps_mask(BIT(21) | BIT(45), 40) == BIT(21));
}

TEST(words_split_low_high)
{
	uint32_t w[2];

	isola_caps_to_words(BIT(0) | BIT(31) | BIT(32) | BIT(40), w);
	CHECK(w[0] == 0x80000001u);
	CHECK(w[1] == 0x101u);
}

TEST(last_cap_matches_kernel)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = -1;

	CHECK(f && fscanf(f, "%d", &v) == 1);
	if (f)
		fclose(f);
	CHECK(isola_caps_last_cap() == v);
	CHECK(prctl(PR_CAPBSET_READ, v, 0, 0, 0) >= 0);
	CHECK(prctl(PR_CAPBSET_READ, v + 1, 0, 0, 0) < 0);
}

static uint64_t status_field(const char *key)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = strtoull(line + klen + 1, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* Child exit: 0 when every set matches; bit per mismatching set; 64+ on errors. */
static int child_apply(const struct isola_caps *c, uid_t uid)
{
	struct isola_error err = {0};
	int bad = 0;

	if (isola_caps_prepare(c, true, &err) < 0) {
		printf("# prepare: %s\n", err.msg);
		return 64;
	}
	if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return 65;
	if (isola_caps_apply(c, true, &err) < 0) {
		printf("# apply: %s\n", err.msg);
		return 66;
	}
	bad |= status_field("CapBnd") != c->bounding;
	bad |= (status_field("CapEff") != c->effective) << 1;
	bad |= (status_field("CapPrm") != c->permitted) << 2;
	bad |= (status_field("CapInh") != c->inheritable) << 3;
	bad |= (status_field("CapAmb") != (c->ambient & c->inheritable)) << 4;
	bad |= (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0) << 5;
	if (bad)
		printf("# bnd %#" PRIx64 " eff %#" PRIx64 " prm %#" PRIx64 " inh %#" PRIx64
		       " amb %#" PRIx64 "\n",
		       status_field("CapBnd"), status_field("CapEff"), status_field("CapPrm"),
		       status_field("CapInh"), status_field("CapAmb"));
	return bad;
}

static int run(const struct isola_caps *c, uid_t uid)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(10);
		int rc = child_apply(c, uid);
		fflush(stdout);
		_exit(rc);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status))
		printf("# child exit %d\n", WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

TEST(default_docker_like_set_as_root)
{
	uint64_t set = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) |
		       BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) |
		       BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
		       BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
	struct isola_caps c = {.bounding = set, .effective = set, .permitted = set};

	/* No inheritable, no ambient although nothing forbids them: CVE-2022-29162. */
	CHECK(run(&c, 0) == 0);
}

TEST(non_root_user_keeps_permitted)
{
	uint64_t set = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN);
	struct isola_caps c = {.bounding = set, .effective = set, .permitted = set};

	CHECK(run(&c, 1000) == 0);
}

TEST(ambient_only_when_inheritable)
{
	struct isola_caps c = {
	    .bounding = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
	    .effective = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
	    .permitted = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
	    .inheritable = BIT(CAP_NET_BIND_SERVICE),
	    .ambient = BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_CHOWN),
	};

	CHECK(run(&c, 1000) == 0);
}

TEST(empty_sets_drop_everything)
{
	struct isola_caps c = {0};

	CHECK(run(&c, 1000) == 0);
}

TEST(caps_past_the_kernel_are_ignored)
{
	struct isola_caps c = {.bounding = BIT(CAP_CHOWN) | BIT(62),
			       .effective = BIT(CAP_CHOWN) | BIT(62),
			       .permitted = BIT(CAP_CHOWN)};
	struct isola_caps want = {
	    .bounding = BIT(CAP_CHOWN), .effective = BIT(CAP_CHOWN), .permitted = BIT(CAP_CHOWN)};
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct isola_error err = {0};
		alarm(10);
		if (isola_caps_prepare(&c, true, &err) < 0 || isola_caps_apply(&c, true, &err) < 0)
			_exit(64);
		_exit(status_field("CapBnd") != want.bounding ||
		      status_field("CapEff") != want.effective);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(capset_beyond_bounding_fails_with_message)
{
	int status, fds[2];
	char msg[512] = {0};
	pid_t pid;

	CHECK(pipe2(fds, O_CLOEXEC) == 0);
	pid = fork();
	if (pid == 0) {
		struct isola_caps drop = {.bounding = BIT(CAP_CHOWN), .permitted = BIT(CAP_CHOWN)};
		struct isola_caps more = {.bounding = BIT(CAP_CHOWN),
					  .permitted = BIT(CAP_CHOWN) | BIT(CAP_KILL)};
		struct isola_error err = {0};
		alarm(10);
		if (isola_caps_prepare(&drop, true, &err) < 0 ||
		    isola_caps_apply(&drop, true, &err) < 0)
			_exit(64);
		if (isola_caps_apply(&more, true, &err) == 0)
			_exit(1);
		if (write(fds[1], err.msg, strlen(err.msg)) < 0)
			_exit(65);
		_exit(0);
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	CHECK(read(fds[0], msg, sizeof(msg) - 1) > 0);
	close(fds[0]);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_CONTAINS(msg, "capabilities: capset");
	CHECK_CONTAINS(msg, "Operation not permitted");
}

int main(void)
{
	return tap_run();
}
