/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value conversions between cgroup v1 (what the runtime-spec speaks) and v2,
 * and the parser of linux.resources.devices.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/resources.h"

/*
 * cpu.shares [2, 262144] -> cpu.weight [1, 10000]. The linear map runc and crun
 * used until 2025 sent the v1 default 1024 to 39 instead of the v2 default 100;
 * both moved to a log-quadratic curve through (2, 1), (1024, 100) and
 * (262144, 10000). We use the same curve so weights match theirs.
 */
uint64_t isola_cpu_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	double l = log2((double)shares);
	double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
	/* rounding noise must not push exact points (1024 -> 100) up by one */
	return (uint64_t)ceil(pow(10.0, exponent) - 1e-9);
}

/* blkio.weight [10, 1000] -> io.weight [1, 10000], linearly (crun's table). */
uint64_t isola_blkio_weight_to_io(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + (weight - 10) * 9999 / 990;
}

/*
 * The spec's swap is v1's memory+swap; v2's memory.swap.max is swap alone.
 * -1 means unlimited; unlimited memory with no swap given means both unlimited.
 */
int isola_swap_to_v2(int64_t swap, int64_t limit, int64_t *out)
{
	if (limit == -1 && swap == 0) {
		*out = -1;
		return 0;
	}
	if (swap == -1 || swap == 0) {
		*out = swap;
		return 0;
	}
	if (limit <= 0 || swap < limit)
		return -1;
	*out = swap - limit;
	return 0;
}

static int parse_device(struct json_object *e, const char *path, struct isola_res_device *d,
			struct isola_error *err)
{
	struct json_object *v;
	d->type = 'a';
	d->major = d->minor = -1;
	if (!json_object_object_get_ex(e, "allow", &v) || !json_object_is_type(v, json_type_boolean))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.allow: expected a boolean", path);
	d->allow = json_object_get_boolean(v);
	if (json_object_object_get_ex(e, "type", &v) && v) {
		const char *t = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
									   : "";
		if (strlen(t) != 1 || !strchr("acb", t[0]))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "%s.type: expected \"a\", \"c\" or \"b\"", path);
		d->type = t[0];
	}
	const char *mm[2] = {"major", "minor"};
	int64_t *dst[2] = {&d->major, &d->minor};
	for (int i = 0; i < 2; i++) {
		if (!json_object_object_get_ex(e, mm[i], &v) || !v)
			continue;
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < -1)
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.%s: expected an integer",
					 path, mm[i]);
		*dst[i] = json_object_get_int64(v);
	}
	if (json_object_object_get_ex(e, "access", &v) && v) {
		const char *a = json_object_is_type(v, json_type_string) ? json_object_get_string(v)
									   : NULL;
		if (!a || strlen(a) > 3 || strspn(a, "rwm") != strlen(a))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "%s.access: expected a subset of \"rwm\"", path);
		strcpy(d->access, a);
	}
	return 0;
}

int isola_resources_parse_devices(struct json_object *arr, const char *path,
				  struct isola_resources *r, struct isola_error *err)
{
	char epath[512];
	if (!json_object_is_type(arr, json_type_array))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected an array", path);
	size_t len = json_object_array_length(arr);
	r->devices = calloc(len ? len : 1, sizeof(*r->devices));
	if (!r->devices)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		snprintf(epath, sizeof(epath), "%s[%zu]", path, i);
		if (!json_object_is_type(e, json_type_object))
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: expected an object",
					 epath);
		if (parse_device(e, epath, &r->devices[i], err) < 0)
			return -1;
		r->n_devices = i + 1;
	}
	return 0;
}
