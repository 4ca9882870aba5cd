/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY STUB: replaced by the real libseccomp translation. */
#include <stddef.h>

#include "linux/seccomp.h"

struct isola_seccomp {
	int unused;
};

struct isola_seccomp *isola_seccomp_parse(struct json_object *obj, const char *path,
					  struct isola_error *err)
{
	isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "%s: seccomp not implemented yet", path);
	return NULL;
}

void isola_seccomp_free(struct isola_seccomp *s)
{
}

int isola_seccomp_load(const struct isola_seccomp *s, int *notify_fd, struct isola_error *err)
{
	*notify_fd = -1;
	return 0;
}

bool isola_seccomp_uses_notify(const struct isola_seccomp *s)
{
	return false;
}

int isola_seccomp_send_listener(const struct isola_seccomp *s, int notify_fd,
				const char *state_json, int pid, struct isola_error *err)
{
	return 0;
}

int isola_seccomp_features(struct json_object *linux_obj, struct isola_error *err)
{
	return 0;
}
