/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SYS_H
#define ISOLA_SYS_H

/*
 * Every raw syscall the library makes, each written once. libc has no
 * wrapper for these (or only a recent one: glibc 2.36 for the mount API),
 * so they go through syscall(2) here and nowhere else: one place to read
 * what the library asks of the kernel, and one seam for a unit test to
 * fake. Each returns what the kernel returns, errno set as syscall(2) does.
 * The structs are the kernel's; callers include the uapi header they need.
 */
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

struct open_how;
struct mount_attr;
struct clone_args;

static inline int sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, size);
}

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}

static inline pid_t sys_clone3(struct clone_args *args, size_t size)
{
	return (pid_t)syscall(SYS_clone3, args, size);
}

/* clone(2) used as fork(2) with flags: no new stack, so no libc wrapper fits. */
static inline pid_t sys_clone(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
}

static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
				 unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int sys_mount_setattr(int dfd, const char *path, unsigned int flags,
				    struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

static inline int sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

static inline long sys_seccomp(unsigned int op, unsigned int flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}

/* hdr and data: struct __user_cap_header_struct and __user_cap_data_struct[2]. */
static inline int sys_capset(void *hdr, const void *data)
{
	return (int)syscall(SYS_capset, hdr, data);
}

static inline int sys_ioprio_set(int which, int who, int prio)
{
	return (int)syscall(SYS_ioprio_set, which, who, prio);
}

/* attr: the kernel's struct sched_attr (callers declare the version they fill). */
static inline int sys_sched_setattr(pid_t pid, void *attr, unsigned int flags)
{
	return (int)syscall(SYS_sched_setattr, pid, attr, flags);
}

static inline int sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* attr: union bpf_attr; size how much of it the caller filled. */
static inline long sys_bpf(int cmd, void *attr, size_t size)
{
	return syscall(SYS_bpf, cmd, attr, size);
}

/* keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): the only keyctl the library makes. */
static inline long sys_keyctl_join_session(const char *name)
{
	return syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, name, 0, 0, 0);
}

#endif
