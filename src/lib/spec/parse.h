/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPEC_PARSE_H
#define ISOLA_SPEC_PARSE_H

/* Internal to spec/: the pieces of config.json parsing, one file per topic. */
#include <json-c/json.h>

#include "spec/config.h"
#include "spec/json-util.h"

/* parse-mount.c */
int spec_parse_mounts(struct json_object *arr, size_t n, const char *bundle, struct isola_config *c,
		      struct isola_error *err);
/* Apply one mount option to m; unknown ones are appended to data (caller sized it). */
void spec_mount_option(struct isola_mount *m, const char *opt, char *data, size_t *data_len);
/* "private", "rshared", ... -> MS_* (with MS_REC), or 0 when unknown. */
unsigned long spec_propagation_from_name(const char *name);
void spec_mount_release(struct isola_mount *m);
/* An array of {containerID, hostID, size} at parent.key into *maps / *n. */
int spec_parse_idmaps(struct json_object *obj, const char *parent, const char *key,
		      struct isola_idmap **maps, size_t *n, struct isola_error *err);

/* parse-linux.c */
int spec_parse_linux(struct json_object *linux_obj, struct isola_config *c,
		     struct isola_error *err);
void spec_linux_release(struct isola_config *c);
/* linux.sysctl keys must belong to a namespace the container has (net.*, ipc, uts). */
int spec_check_sysctl(const struct isola_config *c, struct isola_error *err);

/* parse-kv.c: a JSON object of strings into key/value pairs. */
int spec_parse_kv(struct json_object *obj, const char *path, struct isola_kv **out, size_t *n,
		  struct isola_error *err);
void spec_kv_free(struct isola_kv *kv, size_t n);
/* True when s is an absolute path. */
static inline bool spec_is_abs(const char *s)
{
	return s && s[0] == '/';
}

#endif
