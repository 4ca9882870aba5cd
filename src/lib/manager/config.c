/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "manager/internal.h"

/*
 * `isola config NAME [KEY[=VALUE]]`: the container's readable configuration
 * (like LXC's /var/lib/lxc/NAME/config), as "Section.Key = value" lines over
 * the record's Config and HostConfig. Values are JSON; a value that is not
 * JSON is a string. Only existing keys can be set, and only while stopped:
 * the next start builds the OCI config from them.
 */

static const char *const sections[] = {"Config", "HostConfig"};

static struct json_object *find_key(struct json_object *rec, const char *key)
{
	char sec[32];
	const char *dot = strchr(key, '.');
	if (!dot || (size_t)(dot - key) >= sizeof(sec))
		return NULL;
	snprintf(sec, sizeof(sec), "%.*s", (int)(dot - key), key);
	for (size_t i = 0; i < 2; i++)
		if (!strcmp(sec, sections[i]))
			return mgr_obj(rec, sec);
	return NULL;
}

char *isola_ctr_config_get(struct isola_mgr *m, const char *id, const char *key,
			   struct isola_error *err)
{
	struct json_object *rec = isola_ctr_load(m, id, err);
	if (!rec)
		return NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	for (size_t i = 0; f && i < 2; i++) {
		json_object_object_foreach(mgr_obj(rec, sections[i]), k, v)
		{
			char full[256];
			snprintf(full, sizeof(full), "%s.%s", sections[i], k);
			if (key && strcmp(key, full))
				continue;
			const char *text =
			    !v ? "null"
			    : json_object_is_type(v, json_type_string)
				? json_object_get_string(v)
				: json_object_to_json_string_ext(
				      v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
			if (key)
				fprintf(f, "%s\n", text);
			else
				fprintf(f, "%s = %s\n", full, text);
		}
	}
	if (f)
		fclose(f);
	bool found = !key || (out && *out);
	json_object_put(rec);
	if (!found) {
		free(out);
		isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "unknown configuration key \"%s\"", key);
		return NULL;
	}
	return out;
}

int isola_ctr_config_set(struct isola_mgr *m, const char *id, const char *key, const char *value,
			 struct isola_error *err)
{
	cleanup_close int lock = isola_mgr_lock(m, err);
	struct json_object *rec = lock >= 0 ? isola_ctr_load(m, id, err) : NULL, *cur;
	if (!rec)
		return -1;
	int r = -1;
	struct json_object *sec = find_key(rec, key);
	const char *k = strchr(key, '.');
	const char *st = isola_ctr_status(m, rec);
	if (!sec || !json_object_object_get_ex(sec, k + 1, &cur) || !strcmp(k + 1, "Image"))
		isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "unknown configuration key \"%s\"", key);
	else if (!strcmp(st, "running") || !strcmp(st, "paused") || !strcmp(st, "restarting"))
		isola_err(err, ISOLA_ERR_STATE, 0,
			  "container is %s: stop it to change its configuration", st);
	else {
		struct json_object *v = json_tokener_parse(value);
		if (!v || (cur && json_object_get_type(v) != json_object_get_type(cur) &&
			   json_object_is_type(cur, json_type_string))) {
			json_object_put(v);
			v = json_object_new_string(value);
		}
		if (cur && !json_object_is_type(cur, json_object_get_type(v)) &&
		    !(json_object_is_type(cur, json_type_int) &&
		      json_object_is_type(v, json_type_double))) {
			json_object_put(v);
			isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected a value of type %s", key,
				  json_type_to_name(json_object_get_type(cur)));
		} else {
			json_object_object_add(sec, k + 1, v);
			r = isola_ctr_save(m, id, rec, err);
		}
	}
	json_object_put(rec);
	return r;
}
