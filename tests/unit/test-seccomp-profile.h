/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_TEST_SECCOMP_PROFILE_H
#define ISOLA_TEST_SECCOMP_PROFILE_H

/*
 * A profile shaped like the default ones container engines ship: deny by
 * default with EPERM, an allow list of every native syscall but the
 * dangerous ones, names this libseccomp doesn't know, x86 compat arches,
 * and argument filters on personality/clone/socket. Built from libseccomp's
 * own syscall table, so it stays realistic in size (~350 names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

static const char *const test_profile_denied[] = {
    "acct",
    "add_key",
    "bpf",
    "clock_adjtime",
    "clock_settime",
    "clone",
    "clone3",
    "create_module",
    "delete_module",
    "finit_module",
    "fsconfig",
    "fsmount",
    "fsopen",
    "fspick",
    "get_kernel_syms",
    "init_module",
    "ioperm",
    "iopl",
    "kexec_file_load",
    "kexec_load",
    "keyctl",
    "lookup_dcookie",
    "mount",
    "mount_setattr",
    "move_mount",
    "nfsservctl",
    "open_by_handle_at",
    "open_tree",
    "perf_event_open",
    "personality",
    "pivot_root",
    "process_vm_readv",
    "process_vm_writev",
    "ptrace",
    "query_module",
    "quotactl",
    "reboot",
    "request_key",
    "setns",
    "settimeofday",
    "socket",
    "swapoff",
    "swapon",
    "sysfs",
    "umount2",
    "unshare",
    "uselib",
    "userfaultfd",
    "ustat",
    "vm86",
    "vm86old",
    "acct",
    NULL,
};

static int test_profile_is_denied(const char *name)
{
	for (const char *const *d = test_profile_denied; *d; d++)
		if (strcmp(*d, name) == 0)
			return 1;
	return 0;
}

/* Returns a malloc'd JSON text; n_names receives the allow-list length. */
static char *test_profile_json(size_t *n_names)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	*n_names = 0;
	len += (size_t)snprintf(buf + len, cap - len,
				"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
				"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
				"\"SCMP_ARCH_X32\"],\"syscalls\":[{\"names\":["
				"\"socketcall\",\"ipc\",\"isolatest_syscall_from_2040\"");
	for (int nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
		if (!name)
			continue;
		if (!test_profile_is_denied(name) && len + 64 < cap) {
			len += (size_t)snprintf(buf + len, cap - len, ",\"%s\"", name);
			(*n_names)++;
		}
		free(name);
	}
	snprintf(buf + len, cap - len, "%s",
		 "],\"action\":\"SCMP_ACT_ALLOW\"},"
		 "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		 "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},"
		 "{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
		 "{\"index\":0,\"value\":131072,\"op\":\"SCMP_CMP_EQ\"},"
		 "{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
		 "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		 "{\"index\":0,\"value\":2114060288,\"valueTwo\":0,"
		 "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
		 "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
		 "{\"names\":[\"socket\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
		 "{\"index\":0,\"value\":40,\"op\":\"SCMP_CMP_NE\"}]},"
		 "{\"names\":[\"reboot\"],\"action\":\"SCMP_ACT_ERRNO\"}]}");
	return buf;
}

#endif
