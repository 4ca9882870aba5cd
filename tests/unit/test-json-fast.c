/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fast JSON reader must build exactly what json-c's tokener builds, and
 * give up (NULL) on everything outside its plain subset.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "spec/config.h"
#include "spec/json-util.h"
#include "tap.h"

/* Same tree as json-c's, compared by value and by key order (the plain serialization). */
static int same_as_jsonc(const char *text)
{
	struct json_object *f = ju_fast_parse(text, strlen(text));
	struct json_object *j = json_tokener_parse(text);
	int ok = f && j && json_object_equal(f, j) &&
		 strcmp(json_object_to_json_string_ext(f, JSON_C_TO_STRING_PLAIN),
			json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN)) == 0;
	if (!ok)
		printf("# differs: %s\n", text);
	json_object_put(f);
	json_object_put(j);
	return ok;
}

static int gives_up(const char *text)
{
	struct json_object *f = ju_fast_parse(text, strlen(text));
	json_object_put(f);
	if (f)
		printf("# did not give up: %s\n", text);
	return f == NULL;
}

TEST(default_spec_same_tree)
{
	char *a = isola_config_default_json(false), *b = isola_config_default_json(true);
	CHECK(a && same_as_jsonc(a));
	CHECK(b && same_as_jsonc(b));
	free(a);
	free(b);
}

TEST(plain_values_same_tree)
{
	CHECK(same_as_jsonc("{}"));
	CHECK(same_as_jsonc(" \n\t{ \"a\" : [ ] , \"b\":{}}\r\n "));
	CHECK(same_as_jsonc("{\"n\":[0,-1,42,-0,9007199254740993,-9007199254740993]}"));
	CHECK(same_as_jsonc("{\"t\":true,\"f\":false,\"z\":null,\"l\":[null,true,{\"x\":[]}]}"));
	CHECK(same_as_jsonc("{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\",\"k\\n\":\"\xc3\xa9\"}"));
	CHECK(same_as_jsonc("{\"dup\":1,\"other\":2,\"dup\":[3]}"));
	CHECK(same_as_jsonc("{\"\":\"\"}"));
}

TEST(long_key_and_deep_nesting_within_limit)
{
	char key[600], text[800];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"%s\":1}", key);
	/* a key longer than the reader's stack buffer: it gives up, json-c takes it */
	CHECK(gives_up(text));
	char deep[128] = "";
	for (int i = 0; i < 20; i++)
		strcat(deep, "[");
	strcat(deep, "1");
	for (int i = 0; i < 20; i++)
		strcat(deep, "]");
	snprintf(text, sizeof(text), "{\"d\":%s}", deep);
	CHECK(same_as_jsonc(text));
}

TEST(gives_up_outside_the_subset)
{
	CHECK(gives_up("[1,2]"));                  /* not an object at the top */
	CHECK(gives_up("{\"a\":1.5}"));            /* floats: json-c keeps their text */
	CHECK(gives_up("{\"a\":1e3}"));
	CHECK(gives_up("{\"a\":\"\\u00e9\"}"));    /* \u escapes */
	CHECK(gives_up("{\"a\":\"x\ty\"}"));       /* raw control byte */
	CHECK(gives_up("{\"a\":01}"));             /* leading zero */
	CHECK(gives_up("{\"a\":9223372036854775807}"));
	CHECK(gives_up("{\"a\":-9223372036854775808}"));
	CHECK(gives_up("{\"a\":True}"));           /* json-c's lax literals */
	CHECK(gives_up("{\"a\":1,}"));             /* trailing comma */
	CHECK(gives_up("{\"a\":1} x"));            /* data after the value */
	CHECK(gives_up("{\"a\":1"));               /* truncated */
	CHECK(gives_up("{\"a\" 1}"));
	CHECK(gives_up("{a:1}"));
	CHECK(gives_up("{\"a\":\"\\q\"}"));
	CHECK(gives_up("{\"a\":[1 2]}"));
	CHECK(gives_up("{\"a\":tru}"));
	CHECK(gives_up("{\"a\":-}"));
	CHECK(gives_up(""));
	char deep[128] = "{\"d\":";
	for (int i = 0; i < 31; i++)
		strcat(deep, "[");
	for (int i = 0; i < 31; i++)
		strcat(deep, "]");
	strcat(deep, "}");
	CHECK(gives_up(deep)); /* json-c's depth limit decides */
}

TEST(embedded_nul_gives_up)
{
	const char text[] = "{\"a\":\"b\0c\"}";
	CHECK(ju_fast_parse(text, sizeof(text) - 1) == NULL);
}

TEST(parse_text_errors_unchanged)
{
	struct isola_error err = {0};
	CHECK(ju_parse_text("{\"a\":}", 6, "config.json", &err) == NULL);
	CHECK_CONTAINS(err.msg, "config.json: invalid JSON");
	struct json_object *o = ju_parse_text("{\"a\":1.5}", 9, "config.json", &err);
	CHECK(o && json_object_is_type(json_object_object_get(o, "a"), json_type_double));
	json_object_put(o);
}

TEST(may_have_hooks)
{
	char *d = isola_config_default_json(false);
	CHECK(d && !isola_config_text_may_have_hooks(d));
	free(d);
	CHECK(isola_config_text_may_have_hooks("{\"hooks\":{}}"));
	CHECK(isola_config_text_may_have_hooks("{\"a\":{ \"hooks\" :{\"poststop\":[]}}}"));
	/* an escaped key could spell "hooks": only a parse can tell */
	CHECK(isola_config_text_may_have_hooks("{\"\\u0068ooks\":{}}"));
	CHECK(!isola_config_text_may_have_hooks("{\"hook\":1,\"xhooks\":2}"));
}

int main(void)
{
	return tap_run();
}
