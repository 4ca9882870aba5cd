/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <json-c/json.h>

#include "manager/internal.h"
#include "spec/config.h"

/*
 * The parts of a container's OCI config that docker's security and device
 * flags make: the default seccomp profile, --security-opt, --device, --ulimit.
 *
 * The default profile has the effect of docker's: every syscall allowed
 * except those that widen the kernel's attack surface from inside a
 * container (keyrings, bpf, perf, userfaultfd, module and clock calls, new
 * namespaces, the mount API, ...), each group allowed again when the
 * container holds the capability that makes it legitimate. Written as a
 * deny list, so a new harmless syscall of a newer libc is not refused.
 */

struct sys_group {
	const char *cap; /* allowed when the container has it; NULL: never */
	const char *const *names;
};

static const char *const sys_admin[] = {"bpf",
					"fanotify_init",
					"fsconfig",
					"fsmount",
					"fsopen",
					"fspick",
					"lookup_dcookie",
					"mount",
					"mount_setattr",
					"move_mount",
					"name_to_handle_at",
					"open_tree",
					"perf_event_open",
					"pivot_root",
					"quotactl",
					"quotactl_fd",
					"setdomainname",
					"sethostname",
					"setns",
					"swapoff",
					"swapon",
					"umount",
					"umount2",
					"unshare",
					"vm86",
					"vm86old",
					NULL};
static const char *const sys_ptrace[] = {
    "kcmp",   "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
    "ptrace", NULL};
static const char *const sys_module[] = {"create_module",
					 "delete_module",
					 "finit_module",
					 "get_kernel_syms",
					 "init_module",
					 "query_module",
					 NULL};
static const char *const sys_boot[] = {"kexec_file_load", "kexec_load", "reboot", NULL};
static const char *const sys_time[] = {
    "adjtimex",	       "clock_adjtime", "clock_adjtime64", "clock_settime",
    "clock_settime64", "settimeofday",	"stime",	   NULL};
static const char *const sys_rawio[] = {"ioperm", "iopl", NULL};
static const char *const sys_nice[] = {"get_mempolicy", "mbind", "set_mempolicy",
				       "set_mempolicy_home_node", NULL};
static const char *const sys_pacct[] = {"acct", NULL};
static const char *const sys_log[] = {"syslog", NULL};
static const char *const never[] = {
    "add_key", "keyctl",      "request_key", "nfsservctl", "_sysctl",		"sysfs",
    "uselib",  "userfaultfd", "ustat",	     "move_pages", "open_by_handle_at", NULL};

static const struct sys_group groups[] = {
    {"CAP_SYS_ADMIN", sys_admin},   {"CAP_SYS_PTRACE", sys_ptrace},
    {"CAP_SYS_MODULE", sys_module}, {"CAP_SYS_BOOT", sys_boot},
    {"CAP_SYS_TIME", sys_time},	    {"CAP_SYS_RAWIO", sys_rawio},
    {"CAP_SYS_NICE", sys_nice},	    {"CAP_SYS_PACCT", sys_pacct},
    {"CAP_SYSLOG", sys_log},	    {NULL, never},
};

static struct json_object *rule(const char *const *names, const char *action, int errno_ret)
{
	struct json_object *r = json_object_new_object(), *n = json_object_new_array();
	for (; *names; names++)
		json_object_array_add(n, json_object_new_string(*names));
	json_object_object_add(r, "names", n);
	json_object_object_add(r, "action", json_object_new_string(action));
	if (errno_ret)
		json_object_object_add(r, "errnoRet", json_object_new_int(errno_ret));
	return r;
}

/* clone(2) with a namespace flag: refused without CAP_SYS_ADMIN, one rule a flag. */
static void clone_rules(struct json_object *syscalls)
{
	static const long flags[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,	 CLONE_NEWUSER,
				     CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
	static const char *const clone[] = {"clone", NULL};
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
		struct json_object *r = rule(clone, "SCMP_ACT_ERRNO", EPERM);
		struct json_object *args = json_object_new_array(), *a = json_object_new_object();
		json_object_object_add(a, "index", json_object_new_int(0));
		json_object_object_add(a, "value", json_object_new_int64(flags[i]));
		json_object_object_add(a, "valueTwo", json_object_new_int64(flags[i]));
		json_object_object_add(a, "op", json_object_new_string("SCMP_CMP_MASKED_EQ"));
		json_object_array_add(args, a);
		json_object_object_add(r, "args", args);
		json_object_array_add(syscalls, r);
	}
}

static bool has_cap(struct json_object *caps, const char *cap)
{
	for (size_t i = 0; caps && i < json_object_array_length(caps); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(caps, i)), cap))
			return true;
	return false;
}

static struct json_object *default_profile(struct json_object *bounding)
{
	struct json_object *p = json_object_new_object(), *syscalls = json_object_new_array();
	json_object_object_add(p, "defaultAction", json_object_new_string("SCMP_ACT_ALLOW"));
	for (size_t i = 0; i < sizeof(groups) / sizeof(*groups); i++) {
		if (groups[i].cap && has_cap(bounding, groups[i].cap))
			continue;
		/* clone3 gets ENOSYS, so a libc falls back to clone, which the rules below check.
		 */
		json_object_array_add(syscalls, rule(groups[i].names, "SCMP_ACT_ERRNO", EPERM));
	}
	if (!has_cap(bounding, "CAP_SYS_ADMIN")) {
		static const char *const clone3[] = {"clone3", NULL};
		json_object_array_add(syscalls, rule(clone3, "SCMP_ACT_ERRNO", ENOSYS));
		clone_rules(syscalls);
	}
	json_object_object_add(p, "syscalls", syscalls);
	return p;
}

/* --security-opt seccomp=FILE: an OCI linux.seccomp object (docker's extra keys dropped). */
static struct json_object *profile_file(const char *path, struct isola_error *err)
{
	struct json_object *p = json_object_from_file(path);
	if (!p || !json_object_is_type(p, json_type_object)) {
		json_object_put(p);
		isola_err(err, ISOLA_ERR_INVALID, 0, "seccomp profile \"%s\": not a JSON object",
			  path);
		return NULL;
	}
	json_object_object_del(p, "archMap");
	struct json_object *sc = mgr_obj(p, "syscalls");
	for (size_t i = 0; sc && i < json_object_array_length(sc); i++) {
		struct json_object *r = json_object_array_get_idx(sc, i);
		json_object_object_del(r, "comment");
		json_object_object_del(r, "includes");
		json_object_object_del(r, "excludes");
	}
	return p;
}

int mgr_security(struct json_object *spec, struct json_object *hc, struct isola_error *err)
{
	struct json_object *so = mgr_obj(hc, "SecurityOpt"), *seccomp = NULL;
	bool unconfined = mgr_bool(hc, "Privileged");
	for (size_t i = 0; so && i < json_object_array_length(so); i++) {
		const char *o = json_object_get_string(json_object_array_get_idx(so, i));
		if (!strncmp(o, "no-new-privileges", 17))
			continue; /* process_json */
		if (!strcmp(o, "seccomp=unconfined") || !strcmp(o, "seccomp:unconfined")) {
			unconfined = true;
		} else if (!strncmp(o, "seccomp=", 8) || !strncmp(o, "seccomp:", 8)) {
			json_object_put(seccomp);
			if (!(seccomp = profile_file(o + 8, err)))
				return -1;
		} else {
			json_object_put(seccomp);
			return isola_err(
			    err, ISOLA_ERR_INVALID, 0,
			    "--security-opt \"%s\" is not supported (seccomp=FILE|unconfined, "
			    "no-new-privileges)",
			    o);
		}
	}
	struct json_object *caps =
	    mgr_obj(mgr_obj(mgr_obj(spec, "process"), "capabilities"), "bounding");
	if (!seccomp && !unconfined)
		seccomp = default_profile(caps);
	if (seccomp && !unconfined)
		json_object_object_add(mgr_obj(spec, "linux"), "seccomp", seccomp);
	else
		json_object_put(seccomp);
	return 0;
}

/* --ulimit NAME=SOFT[:HARD], as docker: nofile=1024:2048, nproc=512. */
int mgr_ulimits(struct json_object *proc, struct json_object *ulimits, struct isola_error *err)
{
	struct json_object *out = json_object_new_array();
	for (size_t i = 0; ulimits && i < json_object_array_length(ulimits); i++) {
		const char *u = json_object_get_string(json_object_array_get_idx(ulimits, i));
		char name[64], type[80];
		unsigned long long soft, hard;
		int n = 0;
		if (sscanf(u, "%63[a-z]=%llu%n", name, &soft, &n) < 2) {
			json_object_put(out);
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid --ulimit \"%s\"", u);
		}
		hard = soft;
		if (u[n] == ':' && sscanf(u + n + 1, "%llu", &hard) != 1) {
			json_object_put(out);
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid --ulimit \"%s\"", u);
		}
		snprintf(type, sizeof(type), "RLIMIT_%s", name);
		for (char *c = type; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		if (isola_rlimit_from_name(type) < 0 || soft > hard) {
			json_object_put(out);
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid --ulimit \"%s\"", u);
		}
		struct json_object *r = json_object_new_object();
		json_object_object_add(r, "type", json_object_new_string(type));
		json_object_object_add(r, "soft", json_object_new_uint64(soft));
		json_object_object_add(r, "hard", json_object_new_uint64(hard));
		json_object_array_add(out, r);
	}
	json_object_object_add(proc, "rlimits", out);
	return 0;
}

static struct json_object *device_rule(char type, unsigned int maj, unsigned int min,
				       const char *access)
{
	struct json_object *r = json_object_new_object();
	char t[2] = {type, 0};
	json_object_object_add(r, "allow", json_object_new_boolean(1));
	json_object_object_add(r, "type", json_object_new_string(t));
	json_object_object_add(r, "major", json_object_new_int64(maj));
	json_object_object_add(r, "minor", json_object_new_int64(min));
	json_object_object_add(r, "access", json_object_new_string(access));
	return r;
}

/* --device HOST[:CONTAINER[:PERMS]]: the node made inside and allowed in the device cgroup. */
int mgr_devices(struct json_object *lo, struct json_object *devices, struct isola_error *err)
{
	struct json_object *devs = json_object_new_array();
	struct json_object *res = mgr_obj(lo, "resources"), *rules = mgr_obj(res, "devices");
	for (size_t i = 0; devices && i < json_object_array_length(devices); i++) {
		char buf[4096];
		snprintf(buf, sizeof(buf), "%s",
			 json_object_get_string(json_object_array_get_idx(devices, i)));
		char *dst = strchr(buf, ':'), *perms = "rwm";
		if (dst) {
			*dst++ = 0;
			char *p = strchr(dst, ':');
			if (p) {
				*p++ = 0;
				perms = p;
			} else if (dst[0] != '/') {
				perms = dst;
				dst = NULL;
			}
		}
		struct stat st;
		if (stat(buf, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) ||
		    strspn(perms, "rwm") != strlen(perms) || !*perms) {
			json_object_put(devs);
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "--device \"%s\": not a device node, or bad permissions",
					 buf);
		}
		char type = S_ISCHR(st.st_mode) ? 'c' : 'b';
		struct json_object *d = json_object_new_object();
		char t[2] = {type, 0};
		json_object_object_add(d, "path", json_object_new_string(dst ? dst : buf));
		json_object_object_add(d, "type", json_object_new_string(t));
		json_object_object_add(d, "major", json_object_new_int64(major(st.st_rdev)));
		json_object_object_add(d, "minor", json_object_new_int64(minor(st.st_rdev)));
		json_object_object_add(d, "fileMode", json_object_new_int(st.st_mode & 0777));
		json_object_array_add(devs, d);
		if (rules)
			json_object_array_add(
			    rules, device_rule(type, major(st.st_rdev), minor(st.st_rdev), perms));
	}
	json_object_object_add(lo, "devices", devs);
	return 0;
}
