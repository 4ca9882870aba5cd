/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

static struct json_object *load_authfile(const char *path)
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
	struct json_object *root = load_authfile(o->authfile), *auths, *entry, *v;
	if (json_object_object_get_ex(root, "auths", &auths) &&
	    json_object_object_get_ex(auths, host, &entry) &&
	    json_object_object_get_ex(entry, "auth", &v))
		out = decode(json_object_get_string(v));
	json_object_put(root);
	return out;
}

static int save_authfile(const char *path, struct json_object *root, struct isola_error *err)
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

int isola_login(const char *registry, const char *user, const char *password,
		const struct isola_registry_opts *o, struct isola_error *err)
{
	struct isola_registry_opts lo = *o;
	struct reg r;
	struct reg_resp resp = {.max = 1 << 20};
	if (!o->authfile)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "login: no auth file");
	lo.username = user;
	lo.password = password;
	/* a scope-less token request: the registry checks the credentials alone */
	int ret = reg_init(&r, registry, "", false, &lo, err);
	if (ret == 0) {
		free(r.scope);
		r.scope = strdup("");
		ret = reg_request(&r, "GET", "/v2/", NULL, NULL, &resp, err);
	}
	if (ret == 0 && resp.status != 200)
		ret = reg_status_error(&r, &resp, "login", err);
	reg_resp_release(&resp);
	reg_release(&r);
	if (ret < 0)
		return -1;
	struct json_object *root = load_authfile(o->authfile), *auths, *entry;
	if (!json_object_object_get_ex(root, "auths", &auths)) {
		auths = json_object_new_object();
		json_object_object_add(root, "auths", auths);
	}
	cleanup_free char *pair = NULL;
	cleanup_free char *b64 = NULL;
	if (asprintf(&pair, "%s:%s", user, password) < 0 || !(b64 = reg_base64(pair))) {
		json_object_put(root);
		return isola_err_sys(err, "login");
	}
	entry = json_object_new_object();
	json_object_object_add(entry, "auth", json_object_new_string(b64));
	json_object_object_add(auths, registry, entry);
	ret = save_authfile(o->authfile, root, err);
	json_object_put(root);
	return ret;
}

int isola_logout(const char *registry, const char *authfile, struct isola_error *err)
{
	struct json_object *root = load_authfile(authfile), *auths;
	int ret;
	if (!json_object_object_get_ex(root, "auths", &auths) ||
	    !json_object_object_get_ex(auths, registry, NULL))
		ret = isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "not logged in to %s", registry);
	else {
		json_object_object_del(auths, registry);
		ret = save_authfile(authfile, root, err);
	}
	json_object_put(root);
	return ret;
}
