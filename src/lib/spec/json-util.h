/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPEC_JSON_UTIL_H
#define ISOLA_SPEC_JSON_UTIL_H

/*
 * Typed json-c getters: the one family every JSON reader of the library uses
 * (the config parsers of spec/, and image/, manager/ and monitor/ records). A JSON path
 * ("process.args", "mounts[4]") is only formatted when an error is reported, so the common path
 * costs nothing beyond the lookup.
 *
 * Getters return 1 when the member is present with the right type (*out set),
 * 0 when it is absent or JSON null (*out untouched), -1 with an error that
 * names "parent.key" when the type or range is wrong. Wrap a getter in
 * ju_required() to make absence an error too.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json_object.h>

#include "isola/error.h"

#define JU_PATH_MAX 512

/*
 * Parse text (len bytes, text[len] readable: NUL-terminated preferred) into a
 * JSON object (anything else is an error); name prefixes errors ("config.json").
 */
struct json_object *ju_parse_text(const char *text, size_t len, const char *name,
				  struct isola_error *err);
/* Read a whole file and parse it as ju_parse_text does; errors name the file. */
struct json_object *ju_parse_file(const char *file, struct isola_error *err);

/* "parent.key", or "key" when parent is empty, into buf; returns buf. */
const char *ju_join(char *buf, size_t size, const char *parent, const char *key);
/* "parent[i]" into buf; returns buf. */
const char *ju_index(char *buf, size_t size, const char *parent, size_t i);

/* ISOLA_ERR_INVALID error "parent.key: message" (key may be NULL); returns -1. */
int ju_err(struct isola_error *err, const char *parent, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* rc from a getter: -1 stays -1, 0 becomes "parent.key: required", 1 becomes 0. */
int ju_required(int rc, const char *parent, const char *key, struct isola_error *err);

/*
 * Lenient: the string, or NULL when absent or of another type (registries'
 * documents carry optional fields that readers ignore when malformed).
 */
const char *ju_peek_string(struct json_object *obj, const char *key);
/* ju_peek_string, strdup'ed (NULL when absent or out of memory). */
char *ju_peek_strdup(struct json_object *obj, const char *key);

int ju_string(struct json_object *obj, const char *parent, const char *key, const char **out,
	      struct isola_error *err);
int ju_strdup(struct json_object *obj, const char *parent, const char *key, char **out,
	      struct isola_error *err);
int ju_bool(struct json_object *obj, const char *parent, const char *key, bool *out,
	    struct isola_error *err);
int ju_int64(struct json_object *obj, const char *parent, const char *key, int64_t min, int64_t max,
	     int64_t *out, struct isola_error *err);
int ju_uint64(struct json_object *obj, const char *parent, const char *key, uint64_t *out,
	      struct isola_error *err);
/* ju_uint64 with seccomp's wording: "expected an unsigned integer", "must not be negative". */
int ju_u64(struct json_object *obj, const char *parent, const char *key, uint64_t *out,
	   struct isola_error *err);
int ju_uint32(struct json_object *obj, const char *parent, const char *key, uint32_t *out,
	      struct isola_error *err);
int ju_object(struct json_object *obj, const char *parent, const char *key,
	      struct json_object **out, struct isola_error *err);
/* *n receives the array length. */
int ju_array(struct json_object *obj, const char *parent, const char *key, struct json_object **out,
	     size_t *n, struct isola_error *err);
/* An owned NULL-terminated copy of an array of strings. */
int ju_strv(struct json_object *obj, const char *parent, const char *key, char ***out,
	    struct isola_error *err);

/* Value-level checks for array elements: 0 or -1 with "path: expected ...". */
int ju_val_uint32(struct json_object *v, const char *path, uint32_t *out, struct isola_error *err);

#endif
