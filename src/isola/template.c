/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"

/*
 * The small part of Go templates that scripts use with docker's --format:
 * `{{.State.Pid}}`, `{{.Name}}`, `{{json .Config}}`, `{{.}}`; text outside
 * the braces as it is. Strings print bare, everything else as JSON.
 */

static struct json_object *lookup(struct json_object *o, const char *path, size_t len)
{
	while (len && o) {
		if (*path == '.') {
			path++;
			len--;
			continue;
		}
		size_t n = strcspn(path, ".");
		if (n > len)
			n = len;
		char key[256];
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		struct json_object *v = NULL;
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &v))
			return NULL;
		o = v;
		path += n;
		len -= n;
	}
	return o;
}

static void print_value(struct json_object *v, bool as_json, FILE *out)
{
	if (!v) {
		fputs(as_json ? "null" : "<no value>", out);
		return;
	}
	if (!as_json && json_object_is_type(v, json_type_string))
		fputs(json_object_get_string(v), out);
	else
		fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							    JSON_C_TO_STRING_NOSLASHESCAPE),
		      out);
}

void cli_template(const char *tmpl, struct json_object *o, FILE *out)
{
	const char *p = tmpl;
	while (*p) {
		const char *open = strstr(p, "{{"), *close = open ? strstr(open, "}}") : NULL;
		if (!open || !close) {
			fputs(p, out);
			return;
		}
		fwrite(p, 1, (size_t)(open - p), out);
		const char *e = open + 2, *end = close;
		while (e < end && *e == ' ')
			e++;
		while (end > e && end[-1] == ' ')
			end--;
		bool as_json = (size_t)(end - e) >= 5 && !strncmp(e, "json ", 5);
		if (as_json)
			e += 5;
		while (e < end && *e == ' ')
			e++;
		if (*e == '.')
			print_value(lookup(o, e, (size_t)(end - e)), as_json, out);
		p = close + 2;
	}
}
