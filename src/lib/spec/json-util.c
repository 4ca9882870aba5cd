/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json_tokener.h>

#include "core/cleanup.h"
#include "core/strbuild.h"
#include "spec/json-util.h"

/* Config files are small; refuse absurd sizes before allocating. */
#define JU_FILE_MAX (64u << 20)

static void offset_to_line(const char *text, size_t off, size_t *line, size_t *col)
{
	const char *nl = text;
	*line = 1;
	for (const char *p = text; p < text + off; p++) {
		if (*p == '\n') {
			(*line)++;
			nl = p + 1;
		}
	}
	*col = (size_t)(text + off - nl) + 1;
}

static bool only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

struct json_object *ju_parse_text(const char *text, size_t len, const char *name,
				  struct isola_error *err)
{
	struct json_tokener *tok;
	struct json_object *v;
	enum json_tokener_error jerr;
	size_t end, line, col;

	tok = json_tokener_new();
	if (!tok) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s: parse", name);
		return NULL;
	}
	if (len > INT32_MAX) {
		json_tokener_free(tok);
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: too large", name);
		return NULL;
	}
	/*
	 * Hand json-c the terminating NUL too: without it a top-level number or
	 * literal at the very end reads as "continue" (it might go on).
	 */
	v = json_tokener_parse_ex(tok, text, (int)len + (text[len] == '\0'));
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (end > len)
		end = len;
	if (jerr == json_tokener_success && !json_object_is_type(v, json_type_object)) {
		json_object_put(v);
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected a JSON object", name);
		return NULL;
	}
	if (v && only_space(text + end, text + len))
		return v;
	json_object_put(v);
	offset_to_line(text, end, &line, &col);
	if (v || jerr == json_tokener_success)
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: invalid JSON at line %zu column %zu: %s",
			  name, line, col, "unexpected data after the value");
	else if (jerr == json_tokener_continue)
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: invalid JSON at line %zu: %s", name, line,
			  "unexpected end of input");
	else
		isola_err(err, ISOLA_ERR_INVALID, 0, "%s: invalid JSON at line %zu column %zu: %s",
			  name, line, col, json_tokener_error_desc(jerr));
	return NULL;
}

struct json_object *ju_parse_file(const char *file, struct isola_error *err)
{
	cleanup_close int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	cleanup_free char *buf = NULL;
	struct stat st;
	size_t len = 0, cap;

	if (fd < 0) {
		isola_err(err, errno == ENOENT ? ISOLA_ERR_NOT_FOUND : ISOLA_ERR_SYSTEM, errno,
			  "open \"%s\"", file);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		isola_err_sys(err, "stat \"%s\"", file);
		return NULL;
	}
	/* st_size is only a hint (procfs, pipes): read until EOF. */
	cap = st.st_size > 0 && (size_t)st.st_size < JU_FILE_MAX ? (size_t)st.st_size + 1 : 4096;
	buf = malloc(cap + 1); /* + the NUL that ju_parse_text wants */
	for (;;) {
		ssize_t r;
		if (!buf) {
			isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "read \"%s\"", file);
			return NULL;
		}
		if (len == cap) {
			char *nb = cap >= JU_FILE_MAX ? NULL : realloc(buf, cap * 2 + 1);
			if (!nb) {
				isola_err(err, ISOLA_ERR_INVALID, 0, "\"%s\": file too large",
					  file);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			isola_err_sys(err, "read \"%s\"", file);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	return ju_parse_text(buf, len, file, err);
}

const char *ju_join(char *buf, size_t size, const char *parent, const char *key)
{
	char *end = buf + size;
	if (!size)
		return buf;
	if (!parent || !*parent)
		isola_stpecpy(buf, end, key ? key : "(null)");
	else if (!key)
		isola_stpecpy(buf, end, parent);
	else
		isola_stpecpy(isola_stpechr(isola_stpecpy(buf, end, parent), end, '.'), end, key);
	return buf;
}

const char *ju_index(char *buf, size_t size, const char *parent, size_t i)
{
	char *end = buf + size, *p;
	if (!size)
		return buf;
	p = isola_stpechr(isola_stpecpy(buf, end, parent ? parent : ""), end, '[');
	isola_stpechr(isola_stpeu64(p, end, i, 0), end, ']');
	return buf;
}

int ju_err(struct isola_error *err, const char *parent, const char *key, const char *fmt, ...)
{
	char path[JU_PATH_MAX], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ju_join(path, sizeof(path), parent, key);
	if (!*path)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s", msg);
	return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: %s", path, msg);
}

int ju_required(int rc, const char *parent, const char *key, struct isola_error *err)
{
	if (rc < 0)
		return -1;
	if (rc == 0)
		return ju_err(err, parent, key, "required");
	return 0;
}

/* The member, or NULL when absent or null (the runtime-spec treats both as unset). */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

const char *ju_peek_string(struct json_object *obj, const char *key)
{
	struct json_object *v = member(obj, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

char *ju_peek_strdup(struct json_object *obj, const char *key)
{
	const char *s = ju_peek_string(obj, key);
	return s ? strdup(s) : NULL;
}

int ju_string(struct json_object *obj, const char *parent, const char *key, const char **out,
	      struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return ju_err(err, parent, key, "expected a string");
	*out = json_object_get_string(v);
	return 1;
}

int ju_strdup(struct json_object *obj, const char *parent, const char *key, char **out,
	      struct isola_error *err)
{
	const char *s = NULL;
	int r = ju_string(obj, parent, key, &s, err);
	if (r <= 0)
		return r;
	char *copy = strdup(s);
	if (!copy)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "copy %s", key);
	free(*out);
	*out = copy;
	return 1;
}

int ju_bool(struct json_object *obj, const char *parent, const char *key, bool *out,
	    struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_boolean))
		return ju_err(err, parent, key, "expected a boolean");
	*out = json_object_get_boolean(v);
	return 1;
}

int ju_int64(struct json_object *obj, const char *parent, const char *key, int64_t min, int64_t max,
	     int64_t *out, struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	int64_t n;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return ju_err(err, parent, key, "expected an integer");
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return ju_err(err, parent, key,
			      "%" PRId64 " out of range [%" PRId64 ", %" PRId64 "]", n, min, max);
	*out = n;
	return 1;
}

int ju_uint64(struct json_object *obj, const char *parent, const char *key, uint64_t *out,
	      struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	/* json-c keeps values above INT64_MAX as uint64; get_int64 is negative only for < 0. */
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return ju_err(err, parent, key, "expected a non-negative integer");
	*out = json_object_get_uint64(v);
	return 1;
}

int ju_u64(struct json_object *obj, const char *parent, const char *key, uint64_t *out,
	   struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return ju_err(err, parent, key, "expected an unsigned integer");
	/* json-c keeps big values as uint64 and small as int64: ask it which. */
	if (json_object_get_int64(v) < 0)
		return ju_err(err, parent, key, "must not be negative");
	errno = 0;
	*out = json_object_get_uint64(v);
	if (errno != 0)
		return ju_err(err, parent, key, "out of range");
	return 1;
}

int ju_val_uint32(struct json_object *v, const char *path, uint32_t *out, struct isola_error *err)
{
	int64_t n;
	if (!json_object_is_type(v, json_type_int))
		return ju_err(err, path, NULL, "expected an integer");
	n = json_object_get_int64(v);
	if (n < 0 || n > UINT32_MAX)
		return ju_err(err, path, NULL, "%" PRId64 " out of range [0, %u]", n, UINT32_MAX);
	*out = (uint32_t)n;
	return 0;
}

int ju_uint32(struct json_object *obj, const char *parent, const char *key, uint32_t *out,
	      struct isola_error *err)
{
	int64_t n = 0;
	int r = ju_int64(obj, parent, key, 0, UINT32_MAX, &n, err);
	if (r > 0)
		*out = (uint32_t)n;
	return r;
}

int ju_object(struct json_object *obj, const char *parent, const char *key,
	      struct json_object **out, struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return ju_err(err, parent, key, "expected an object");
	*out = v;
	return 1;
}

int ju_array(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
	     size_t *n, struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return ju_err(err, parent, key, "expected an array");
	*out = v;
	*n = json_object_array_length(v);
	return 1;
}

int ju_strv(struct json_object *obj, const char *parent, const char *key, char ***out,
	    struct isola_error *err)
{
	struct json_object *v = member(obj, key);
	size_t n;
	char **strv;

	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return ju_err(err, parent, key, "expected an array of strings");
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
			return ju_err(err, parent, key, "expected an array of strings");
	strv = calloc(n + 1, sizeof(*strv));
	if (!strv)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "copy %s", key);
	for (size_t i = 0; i < n; i++) {
		strv[i] = strdup(json_object_get_string(json_object_array_get_idx(v, i)));
		if (!strv[i]) {
			isola_strv_free(strv);
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "copy %s", key);
		}
	}
	isola_strv_free(*out);
	*out = strv;
	return 1;
}
