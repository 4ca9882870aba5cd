/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SECCOMP_H
#define ISOLA_SECCOMP_H

#include <stdbool.h>

#include "isola/error.h"

struct json_object;
struct isola_seccomp;

/* Parse and validate linux.seccomp (unknown action/arch/op/flag is an error). */
struct isola_seccomp *isola_seccomp_parse(struct json_object *obj, const char *path,
					  struct isola_error *err);
void isola_seccomp_free(struct isola_seccomp *s);

/*
 * Install the filter in the calling process: the last step before execve,
 * after capabilities and no_new_privs. When the filter has SCMP_ACT_NOTIFY
 * rules, *notify_fd receives the listener fd (else -1).
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
