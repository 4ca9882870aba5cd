/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The auth file (docker's config.json shape): credentials read and written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/registry-http.h"

struct json_object *reg_authfile_load(const char *path)
{
	cleanup_free char *buf =
	    path ? isola_read_small_file_at(AT_FDCWD, path, 1 << 20, NULL, NULL) : NULL;
	struct json_object *o = buf ? json_tokener_parse(buf) : NULL;
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

static char *decode(const char *b64)
{
	size_t n = strlen(b64);
	unsigned char *out = malloc(n + 1);
	if (!out)
		return NULL;
	int len = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (len < 0) {
		free(out);
		return NULL;
	}
	while (len > 0 && n > 0 && b64[n - 1] == '=') { /* DecodeBlock counts padding */
		len--;
		n--;
	}
	out[len] = '\0';
	return (char *)out;
}

char *reg_credentials(const struct isola_registry_opts *o, const char *host)
{
	char *out = NULL;
	if (o->username)
		return asprintf(&out, "%s:%s", o->username, o->password ? o->password : "") < 0
			   ? NULL
			   : out;
	struct json_object *root = reg_authfile_load(o->authfile), *auths, *entry, *v;
	if (json_object_object_get_ex(root, "auths", &auths) &&
	    json_object_object_get_ex(auths, host, &entry) &&
	    json_object_object_get_ex(entry, "auth", &v))
		out = decode(json_object_get_string(v));
	json_object_put(root);
	return out;
}

int reg_authfile_save(const char *path, struct json_object *root, struct isola_error *err)
{
	cleanup_free char *dir = strdup(path);
	if (!dir)
		return isola_err_sys(err, "auth file");
	char *slash = strrchr(dir, '/');
	const char *name = path;
	if (slash) {
		*slash = '\0';
		name = slash + 1;
		if (*dir && isola_mkdirs_at(AT_FDCWD, dir, 0700, err) < 0)
			return -1;
	}
	cleanup_close int dfd =
	    open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return isola_err_sys(err, "open \"%s\"", dir);
	size_t len;
	const char *text = json_object_to_json_string_length(root, JSON_C_TO_STRING_PRETTY, &len);
	return isola_write_file_atomic(dfd, name, text, len, 0600, true, err);
}
