/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fast path for config.json and friends. json-c's tokener costs about 35
 * instructions per byte (a state machine per character, a printbuf copy per
 * token): for a default config that was a fifth of a whole `run` (issue 5).
 * This reader takes the plain JSON configs are made of - objects, arrays,
 * strings without \u escapes or raw control bytes, integers that fit int64,
 * true, false, null - and builds the very json-c objects the tokener would
 * (same constructors, same key order, a repeated key replaces the earlier
 * value as json_object_object_add does). Anything else - floats, \u escapes,
 * nesting deeper than json-c allows, syntax errors, json-c's non-standard
 * extensions - makes it give up, so json-c then parses the text and reports
 * any error exactly as before.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"
#include "spec/json-util.h"

/* json-c refuses nesting deeper than 32 (JSON_TOKENER_DEFAULT_DEPTH): stay under it. */
#define FAST_DEPTH 30

struct rd {
	const char *p, *end;
};

static void skip_ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r'))
		r->p++;
}

static bool at(const struct rd *r, char c)
{
	return r->p < r->end && *r->p == c;
}

static bool unescape(const char *s, const char *e, char *d, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t k = 0;
	for (const char *p = s; p < e; p++) {
		if (*p != '\\') {
			d[k++] = *p;
			continue;
		}
		const char *f = strchr(from, *++p);
		if (!f || !*p)
			return false;
		d[k++] = to[f - from];
	}
	d[k] = '\0';
	*n = k;
	return true;
}

static const bool stop_byte[256] = {[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true};

/*
 * The string after the opening quote: *s and *n give its bytes, pointing into
 * the text when there is nothing to unescape, else into *tmp (malloc'd).
 */
static bool read_string(struct rd *r, const char **s, size_t *n, char **tmp)
{
	const char *start = r->p, *q = start;
	bool esc = false;
	while (q < r->end && *q != '"') {
		/* plain bytes in one tight loop: the quote, '\\' and control bytes stop it */
		while (q < r->end && !stop_byte[(unsigned char)*q])
			q++;
		if (q >= r->end || *q == '"')
			break;
		if ((unsigned char)*q < 0x20)
			return false;
		if (*q == '\\') {
			if (q + 1 >= r->end || q[1] == 'u')
				return false;
			esc = true;
			q += 2;
			continue;
		}
		q++;
	}
	if (q >= r->end)
		return false;
	r->p = q + 1;
	*s = start;
	*n = (size_t)(q - start);
	if (!esc)
		return true;
	*tmp = malloc(*n + 1);
	if (!*tmp || !unescape(start, q, *tmp, n))
		return false;
	*s = *tmp;
	return true;
}

static struct json_object *number(struct rd *r, bool *ok)
{
	const char *p = r->p;
	bool neg = *p == '-';
	uint64_t v = 0;
	if (neg)
		p++;
	if (p >= r->end || *p < '0' || *p > '9' || (*p == '0' && p + 1 < r->end && p[1] >= '0' &&
						     p[1] <= '9'))
		return NULL;
	for (; p < r->end && *p >= '0' && *p <= '9'; p++) {
		if (v > (uint64_t)INT64_MAX / 10 - 1)
			return NULL; /* near the int64 limits: json-c's own rules apply */
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p < r->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return NULL;
	r->p = p;
	struct json_object *o = json_object_new_int64(neg ? -(int64_t)v : (int64_t)v);
	*ok = o != NULL;
	return o;
}

static struct json_object *literal(struct rd *r, bool *ok)
{
	static const char *const words[] = {"true", "false", "null"};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(r->end - r->p) < n || memcmp(r->p, words[i], n) != 0)
			continue;
		r->p += n;
		if (i == 2) {
			*ok = true;
			return NULL;
		}
		struct json_object *o = json_object_new_boolean(i == 0);
		*ok = o != NULL;
		return o;
	}
	return NULL;
}

static struct json_object *value(struct rd *r, int depth, bool *ok);

static bool members(struct rd *r, struct json_object *o, int depth)
{
	skip_ws(r);
	if (at(r, '}'))
		return r->p++, true;
	for (;;) {
		const char *s;
		size_t n;
		char *tmp = NULL, small[256];
		bool ok = false;
		skip_ws(r);
		if (!at(r, '"'))
			return false;
		r->p++;
		if (!read_string(r, &s, &n, &tmp) || (!tmp && n >= sizeof(small))) {
			free(tmp);
			return false;
		}
		const char *key = tmp ? tmp : memcpy(small, s, n);
		small[tmp ? 0 : n] = '\0';
		skip_ws(r);
		struct json_object *v = at(r, ':') ? (r->p++, value(r, depth, &ok)) : NULL;
		if (ok && json_object_object_add(o, key, v) < 0) {
			json_object_put(v);
			ok = false;
		}
		free(tmp);
		skip_ws(r);
		if (!ok || !(at(r, ',') || at(r, '}')))
			return false;
		if (*r->p++ == '}')
			return true;
	}
}

static bool elements(struct rd *r, struct json_object *a, int depth)
{
	skip_ws(r);
	if (at(r, ']'))
		return r->p++, true;
	for (;;) {
		bool ok = false;
		struct json_object *v = value(r, depth, &ok);
		if (ok && json_object_array_add(a, v) < 0) {
			json_object_put(v);
			ok = false;
		}
		skip_ws(r);
		if (!ok || !(at(r, ',') || at(r, ']')))
			return false;
		if (*r->p++ == ']')
			return true;
	}
}

static struct json_object *container(struct rd *r, int depth, bool *ok)
{
	bool obj = *r->p == '{';
	if (depth > FAST_DEPTH)
		return NULL;
	r->p++;
	struct json_object *c = obj ? json_object_new_object() : json_object_new_array();
	if (!c)
		return NULL;
	if (!(obj ? members(r, c, depth) : elements(r, c, depth))) {
		json_object_put(c);
		return NULL;
	}
	*ok = true;
	return c;
}

static struct json_object *value(struct rd *r, int depth, bool *ok)
{
	const char *s;
	size_t n;
	char *tmp = NULL;
	*ok = false;
	skip_ws(r);
	if (r->p >= r->end)
		return NULL;
	switch (*r->p) {
	case '{':
	case '[':
		return container(r, depth + 1, ok);
	case '"': {
		r->p++;
		struct json_object *o = NULL;
		if (read_string(r, &s, &n, &tmp) && n <= INT32_MAX)
			o = json_object_new_string_len(s, (int)n);
		free(tmp);
		*ok = o != NULL;
		return o;
	}
	case 't':
	case 'f':
	case 'n':
		return literal(r, ok);
	default:
		return number(r, ok);
	}
}

struct json_object *ju_fast_parse(const char *text, size_t len)
{
	struct rd r = {text, text + len};
	bool ok = false;
	skip_ws(&r);
	if (!at(&r, '{'))
		return NULL;
	struct json_object *v = value(&r, 0, &ok);
	if (!ok)
		return NULL;
	skip_ws(&r);
	if (r.p != r.end) {
		json_object_put(v);
		return NULL;
	}
	return v;
}

bool isola_config_text_may_have_hooks(const char *json_text)
{
	return strstr(json_text, "\"hooks\"") || strstr(json_text, "\\u");
}
