/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Capabilities with raw capset/prctl. The order matters:
 *   prepare: KEEPCAPS so permitted survives setresuid away from 0, and the
 *            bounding set shrunk while we still hold CAP_SETPCAP;
 *   apply:   capset exactly the configured sets (no inheritable unless the
 *            config asks: CVE-2022-29162, where runc handed every process
 *            inheritable caps that file caps could then turn into permitted),
 *            then the ambient set, then KEEPCAPS off again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <linux/capability.h>

#include "core/cleanup.h"
#include "core/sys.h"
#include "linux/caps.h"

/* Caps are bits of a uint64_t: anything past 63 can't be expressed anyway. */
#define CAPS_MAX 63

static int last_cap_cache = -1;

static int read_last_cap(void)
{
	cleanup_close int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	char buf[16] = {0};
	ssize_t n;
	char *end;
	long v;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	v = strtol(buf, &end, 10);
	if (end == buf || v < 0 || v > CAPS_MAX)
		return -1;
	return (int)v;
}

/* Fallback without /proc: the bounding set can be read for every valid cap. */
static int probe_last_cap(void)
{
	int cap = 0;

	while (cap < CAPS_MAX && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0)
		cap++;
	return cap;
}

int isola_caps_last_cap(void)
{
	int v = __atomic_load_n(&last_cap_cache, __ATOMIC_RELAXED);

	if (v >= 0)
		return v;
	v = read_last_cap();
	if (v < 0)
		v = probe_last_cap();
	__atomic_store_n(&last_cap_cache, v, __ATOMIC_RELAXED);
	return v;
}

uint64_t isola_caps_mask(uint64_t set, int last_cap)
{
	if (last_cap >= CAPS_MAX)
		return set;
	if (last_cap < 0)
		return 0;
	return set & ((UINT64_C(1) << (last_cap + 1)) - 1);
}

void isola_caps_to_words(uint64_t set, uint32_t words[2])
{
	words[0] = (uint32_t)set;
	words[1] = (uint32_t)(set >> 32);
}

int isola_caps_prepare(const struct isola_caps *caps, bool leaving_root, struct isola_error *err)
{
	int last = isola_caps_last_cap();

	if (leaving_root && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return isola_err_sys(err, "capabilities: set keepcaps");
	for (int cap = 0; cap <= last; cap++) {
		if (caps->bounding & (UINT64_C(1) << cap))
			continue;
		/* EINVAL: the kernel does not know this cap after all; nothing to drop. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return isola_err_sys(err, "capabilities: drop %d from the bounding set",
					     cap);
	}
	return 0;
}

static int set_caps(const struct isola_caps *caps, int last, struct isola_error *err)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];
	uint32_t e[2], p[2], i[2];

	isola_caps_to_words(isola_caps_mask(caps->effective, last), e);
	isola_caps_to_words(isola_caps_mask(caps->permitted, last), p);
	isola_caps_to_words(isola_caps_mask(caps->inheritable, last), i);
	for (int k = 0; k < 2; k++) {
		data[k].effective = e[k];
		data[k].permitted = p[k];
		data[k].inheritable = i[k];
	}
	if (sys_capset(&hdr, data) < 0)
		return isola_err_sys(err,
				     "capabilities: capset (effective %#llx, permitted %#llx, "
				     "inheritable %#llx)",
				     (unsigned long long)caps->effective,
				     (unsigned long long)caps->permitted,
				     (unsigned long long)caps->inheritable);
	return 0;
}

/*
 * The kernel only lets a cap into the ambient set when it is both permitted
 * and inheritable; others are skipped, as runc does (it warns).
 */
static int set_ambient(const struct isola_caps *caps, int last, struct isola_error *err)
{
	uint64_t amb = isola_caps_mask(caps->ambient & caps->permitted & caps->inheritable, last);

	/* EINVAL: a kernel without ambient caps (< 4.3), where there is nothing to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return isola_err_sys(err, "capabilities: clear the ambient set");
	for (int cap = 0; cap <= last; cap++) {
		if (!(amb & (UINT64_C(1) << cap)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return isola_err_sys(err, "capabilities: raise %d in the ambient set", cap);
	}
	return 0;
}

int isola_caps_apply(const struct isola_caps *caps, bool leaving_root, struct isola_error *err)
{
	int last = isola_caps_last_cap();

	if (set_caps(caps, last, err) < 0 || set_ambient(caps, last, err) < 0)
		return -1;
	if (leaving_root && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return isola_err_sys(err, "capabilities: clear keepcaps");
	return 0;
}
