/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SECCOMP_H
#define ISOLA_SECCOMP_H

/*
 * src/lib is on the include path, so this file shadows the kernel's
 * <linux/seccomp.h> (which libseccomp's <seccomp.h> includes): pull the
 * kernel header in too, so both spellings get both.
 */
#include_next <linux/seccomp.h>
#include <stdbool.h>

#include "isola/error.h"

struct json_object;
struct isola_seccomp; /* spec/seccomp.h: parsed there, loaded here */

/*
 * Translate the filter to BPF with libseccomp and keep the program in s.
 * Optional: call it in the runtime's parent, before clone, so the container
 * init only makes one seccomp(2) call (and fails early on a bad rule).
 * isola_seccomp_load compiles on the spot when this was not called.
 */
int isola_seccomp_compile(struct isola_seccomp *s, struct isola_error *err);
/*
 * isola_seccomp_compile through a cache directory (an fd of a directory
 * owned by us, mode 0700, e.g. <state root>/seccomp). A hit costs one small
 * read instead of ~10 ms of libseccomp; anything untrusted or unreadable in
 * the cache means compiling. cache_dirfd < 0: plain compile.
 */
int isola_seccomp_compile_cached(struct isola_seccomp *s, int cache_dirfd, struct isola_error *err);

/*
 * Install the filter in the calling process. The kernel wants no_new_privs
 * or CAP_SYS_ADMIN for this, so: with process.noNewPrivileges, load it last,
 * after capabilities and PR_SET_NO_NEW_PRIVS; without, load it before
 * capabilities are dropped (runc's order). The filter does not set
 * no_new_privs on its own. When the filter has SCMP_ACT_NOTIFY rules,
 * *notify_fd receives the listener fd (O_CLOEXEC; else -1). Tell the parent
 * its number with write(2), which is never notified (the parser refuses
 * write in NOTIFY rules), and let the parent take it with pidfd_getfd(2).
 */
int isola_seccomp_load(const struct isola_seccomp *s, int *notify_fd, struct isola_error *err);
/* True when the filter uses SCMP_ACT_NOTIFY. */
bool isola_seccomp_uses_notify(const struct isola_seccomp *s);
/*
 * Send the listener fd and the container state to linux.seccomp.listenerPath
 * as the runtime-spec describes (SCM_RIGHTS + containerProcessState JSON).
 */
int isola_seccomp_send_listener(const struct isola_seccomp *s, int notify_fd,
				const char *state_json, int pid, struct isola_error *err);
/* Fill the "seccomp" object of `features` (actions, operators, archs, flags). */
int isola_seccomp_features(struct json_object *linux_obj, struct isola_error *err);

#endif
