/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* login checks the credentials with the registry, then keeps them; logout forgets them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/registry-http.h"

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
	struct json_object *root = reg_authfile_load(o->authfile), *auths, *entry;
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
	ret = reg_authfile_save(o->authfile, root, err);
	json_object_put(root);
	return ret;
}

int isola_logout(const char *registry, const char *authfile, struct isola_error *err)
{
	struct json_object *root = reg_authfile_load(authfile), *auths;
	int ret;
	if (!json_object_object_get_ex(root, "auths", &auths) ||
	    !json_object_object_get_ex(auths, registry, NULL))
		ret = isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "not logged in to %s", registry);
	else {
		json_object_object_del(auths, registry);
		ret = reg_authfile_save(authfile, root, err);
	}
	json_object_put(root);
	return ret;
}
