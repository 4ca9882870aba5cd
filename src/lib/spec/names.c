/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "spec/config.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/*
 * The one place that maps names to numbers. Capability numbers are the
 * kernel ABI (include/uapi/linux/capability.h) and never change, so a table
 * beats asking libcap at start-up.
 */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

int isola_cap_from_name(const char *name)
{
	if (!name || strncmp(name, "CAP_", 4) != 0)
		return -1;
	/* first byte before strcmp: 15 capability sets are looked up per run */
	for (int i = 0; i < N_CAPS; i++)
		if (name[4] == cap_names[i][4] && strcmp(name + 4, cap_names[i] + 4) == 0)
			return i;
	return -1;
}

const char *isola_cap_name(int cap)
{
	return cap >= 0 && cap < N_CAPS ? cap_names[cap] : NULL;
}

int isola_cap_last(void)
{
	return N_CAPS - 1;
}

struct name_num {
	const char *name;
	int num;
};

static const struct name_num signals[] = {
    {"HUP", SIGHUP},	   {"INT", SIGINT},	{"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP},	   {"ABRT", SIGABRT},	{"IOT", SIGIOT},   {"BUS", SIGBUS},
    {"FPE", SIGFPE},	   {"KILL", SIGKILL},	{"USR1", SIGUSR1}, {"SEGV", SIGSEGV},
    {"USR2", SIGUSR2},	   {"PIPE", SIGPIPE},	{"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},	{"CLD", SIGCHLD},  {"CONT", SIGCONT},
    {"STOP", SIGSTOP},	   {"TSTP", SIGTSTP},	{"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},
    {"URG", SIGURG},	   {"XCPU", SIGXCPU},	{"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF},	   {"WINCH", SIGWINCH}, {"IO", SIGIO},	   {"POLL", SIGPOLL},
    {"PWR", SIGPWR},	   {"SYS", SIGSYS},
};

/* A decimal number in [0, max] with nothing after it, else -1. */
static int parse_small_uint(const char *s, int max)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return (int)v;
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (glibc's SIGRTMIN, as kill(1) uses). */
static int rt_signal(const char *s)
{
	int span = SIGRTMAX - SIGRTMIN, n = 0;
	bool min = strncasecmp(s, "RTMIN", 5) == 0;

	if (!min && strncasecmp(s, "RTMAX", 5) != 0)
		return -1;
	s += 5;
	if (*s) {
		if (*s != (min ? '+' : '-'))
			return -1;
		n = parse_small_uint(s + 1, span);
		if (n < 0)
			return -1;
	}
	return min ? SIGRTMIN + n : SIGRTMAX - n;
}

int isola_signal_from_name(const char *name)
{
	if (!name || !*name)
		return -1;
	if (isdigit((unsigned char)*name))
		return parse_small_uint(name, SIGRTMAX);
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcasecmp(name, signals[i].name) == 0)
			return signals[i].num;
	return rt_signal(name);
}

static const struct name_num rlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int isola_rlimit_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++)
		if (strcmp(name, rlimits[i].name) == 0)
			return rlimits[i].num;
	return -1;
}

/* name (runtime-spec), proc name (/proc/PID/ns/), clone flag */
static const struct {
	const char *name, *proc;
	int type;
} namespaces[] = {
    {"pid", "pid", CLONE_NEWPID},	   {"network", "net", CLONE_NEWNET},
    {"mount", "mnt", CLONE_NEWNS},	   {"ipc", "ipc", CLONE_NEWIPC},
    {"uts", "uts", CLONE_NEWUTS},	   {"user", "user", CLONE_NEWUSER},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};

#define N_NS (sizeof(namespaces) / sizeof(namespaces[0]))

int isola_namespace_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < N_NS; i++)
		if (strcmp(name, namespaces[i].name) == 0)
			return namespaces[i].type;
	return -1;
}

const char *isola_namespace_name(int type)
{
	for (size_t i = 0; i < N_NS; i++)
		if (namespaces[i].type == type)
			return namespaces[i].name;
	return NULL;
}

const char *isola_namespace_proc_name(int type)
{
	for (size_t i = 0; i < N_NS; i++)
		if (namespaces[i].type == type)
			return namespaces[i].proc;
	return NULL;
}

const struct isola_namespace *isola_config_namespace(const struct isola_config *c, int type)
{
	for (size_t i = 0; i < c->n_namespaces; i++)
		if (c->namespaces[i].type == type)
			return &c->namespaces[i];
	return NULL;
}
