/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Objects of strings (annotations, linux.sysctl) as key/value pairs, below every parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "spec/parse.h"

int spec_parse_kv(struct json_object *obj, const char *path, struct isola_kv **out, size_t *n,
		  struct isola_error *err)
{
	size_t i = 0;

	*out = calloc((size_t)json_object_object_length(obj) + 1, sizeof(**out));
	if (!*out)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	json_object_object_foreach(obj, key, v)
	{
		if (!json_object_is_type(v, json_type_string))
			return ju_err(err, path, key, "expected a string");
		(*out)[i].key = strdup(key);
		(*out)[i].value = strdup(json_object_get_string(v));
		*n = ++i;
		if (!(*out)[i - 1].key || !(*out)[i - 1].value)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	}
	return 0;
}

void spec_kv_free(struct isola_kv *kv, size_t n)
{
	if (!kv)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}
