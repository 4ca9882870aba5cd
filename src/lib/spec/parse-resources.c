/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parser of linux.resources (into spec/resources.h, which cgroup/ applies).
 * Scalars are described by tables (name, offset, range) so each object is
 * one loop over the json-util getters; lists and maps have small functions.
 * Every message starts with the JSON path of the offending field.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "spec/json-util.h"
#include "spec/resources.h"

enum { F_INT, F_BOOL };

struct field {
	const char *name;
	size_t off;
	int kind;
	int64_t min, max;
};

#define I64(n, s, f)                                                                               \
	{                                                                                          \
		n, offsetof(s, f), F_INT, INT64_MIN, INT64_MAX                                     \
	}
#define U64(n, s, f)                                                                               \
	{                                                                                          \
		n, offsetof(s, f), F_INT, 0, INT64_MAX                                             \
	}
#define RNG(n, s, f, lo, hi)                                                                       \
	{                                                                                          \
		n, offsetof(s, f), F_INT, lo, hi                                                   \
	}
#define BOOL(n, s, f)                                                                              \
	{                                                                                          \
		n, offsetof(s, f), F_BOOL, 0, 1                                                    \
	}

static const struct field memory_fields[] = {
    I64("limit", struct isola_res_memory, limit),
    I64("reservation", struct isola_res_memory, reservation),
    I64("swap", struct isola_res_memory, swap),
    I64("kernel", struct isola_res_memory, kernel),
    I64("kernelTCP", struct isola_res_memory, kernel_tcp),
    RNG("swappiness", struct isola_res_memory, swappiness, 0, 100),
    BOOL("disableOOMKiller", struct isola_res_memory, disable_oom_killer),
    BOOL("useHierarchy", struct isola_res_memory, use_hierarchy),
    BOOL("checkBeforeUpdate", struct isola_res_memory, check_before_update),
    {NULL, 0, 0, 0, 0},
};

static const struct field cpu_fields[] = {
    U64("shares", struct isola_res_cpu, shares),
    I64("quota", struct isola_res_cpu, quota),
    U64("burst", struct isola_res_cpu, burst),
    U64("period", struct isola_res_cpu, period),
    I64("realtimeRuntime", struct isola_res_cpu, rt_runtime),
    U64("realtimePeriod", struct isola_res_cpu, rt_period),
    RNG("idle", struct isola_res_cpu, idle, 0, 1),
    {NULL, 0, 0, 0, 0},
};

static const struct field blkio_fields[] = {
    RNG("weight", struct isola_res_blkio, weight, 0, 1000),
    RNG("leafWeight", struct isola_res_blkio, leaf_weight, 0, 1000),
    {NULL, 0, 0, 0, 0},
};

static const struct field weight_dev_fields[] = {
    RNG("weight", struct isola_res_weight_dev, weight, 0, 1000),
    RNG("leafWeight", struct isola_res_weight_dev, leaf_weight, 0, 1000),
    {NULL, 0, 0, 0, 0},
};

static const struct field rdma_fields[] = {
    RNG("hcaHandles", struct isola_res_rdma, hca_handles, 0, UINT32_MAX),
    RNG("hcaObjects", struct isola_res_rdma, hca_objects, 0, UINT32_MAX),
    {NULL, 0, 0, 0, 0},
};

static int parse_fields(struct json_object *obj, const char *path, const struct field *fields,
			void *base, struct isola_error *err)
{
	if (!json_object_is_type(obj, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	for (const struct field *f = fields; f->name; f++) {
		struct isola_opt *o = (struct isola_opt *)((char *)base + f->off);
		bool b = false;
		int r = f->kind == F_BOOL
			    ? ju_bool(obj, path, f->name, &b, err)
			    : ju_int64(obj, path, f->name, f->min, f->max, &o->v, err);
		if (r < 0)
			return -1;
		if (r > 0 && f->kind == F_BOOL)
			o->v = b;
		o->set = o->set || r > 0;
	}
	return 0;
}

/* A string member; absent is "missing" when required. */
static int get_str(struct json_object *obj, const char *path, const char *name, bool required,
		   char **out, struct isola_error *err)
{
	int r = ju_strdup(obj, path, name, out, err);
	if (r == 0 && required)
		return ju_err(err, path, name, "missing");
	return r < 0 ? -1 : 0;
}

/* Calls fn for each element of the array obj[name]; allocates n elements of size sz. */
typedef int (*elem_fn)(struct json_object *e, const char *path, void *out, struct isola_error *err);

static int parse_array(struct json_object *obj, const char *path, const char *name, size_t sz,
		       void **out, size_t *n, elem_fn fn, struct isola_error *err)
{
	struct json_object *arr;
	char apath[JU_PATH_MAX], epath[JU_PATH_MAX];
	size_t len = 0;
	int r = ju_array(obj, path, name, &arr, &len, err);
	if (r <= 0)
		return r;
	ju_join(apath, sizeof(apath), path, name);
	*out = calloc(len ? len : 1, sz);
	if (!*out)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s.%s", path, name);
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		ju_index(epath, sizeof(epath), apath, i);
		*n = i + 1;
		if (!json_object_is_type(e, json_type_object))
			return ju_err(err, epath, NULL, "expected an object");
		if (fn(e, epath, (char *)*out + i * sz, err) < 0)
			return -1;
	}
	return 0;
}

/* An integer member in [min, max]; absent is "missing" when required. */
static int get_member_int(struct json_object *e, const char *path, const char *name, bool required,
			  int64_t min, int64_t max, int64_t *out, struct isola_error *err)
{
	int r = ju_int64(e, path, name, min, max, out, err);
	if (r == 0 && required)
		return ju_err(err, path, name, "missing");
	return r < 0 ? -1 : 0;
}

static int parse_major_minor(struct json_object *e, const char *path, int64_t *major,
			     int64_t *minor, struct isola_error *err)
{
	if (get_member_int(e, path, "major", true, 0, INT64_MAX, major, err) < 0)
		return -1;
	return get_member_int(e, path, "minor", true, 0, INT64_MAX, minor, err);
}

static int parse_weight_dev(struct json_object *e, const char *path, void *out,
			    struct isola_error *err)
{
	struct isola_res_weight_dev *d = out;
	if (parse_major_minor(e, path, &d->major, &d->minor, err) < 0)
		return -1;
	return parse_fields(e, path, weight_dev_fields, d, err);
}

static int parse_throttle(struct json_object *e, const char *path, void *out,
			  struct isola_error *err)
{
	struct isola_res_throttle *t = out;
	int64_t rate = 0;
	if (parse_major_minor(e, path, &t->major, &t->minor, err) < 0)
		return -1;
	if (get_member_int(e, path, "rate", true, 0, INT64_MAX, &rate, err) < 0)
		return -1;
	t->rate = (uint64_t)rate;
	return 0;
}

static int parse_blkio(struct json_object *o, const char *path, struct isola_res_blkio *b,
		       struct isola_error *err)
{
	static const char *const thr[ISOLA_THR_COUNT] = {
	    "throttleReadBpsDevice", "throttleWriteBpsDevice", "throttleReadIOPSDevice",
	    "throttleWriteIOPSDevice"};
	if (parse_fields(o, path, blkio_fields, b, err) < 0)
		return -1;
	if (parse_array(o, path, "weightDevice", sizeof(*b->weight_devs), (void **)&b->weight_devs,
			&b->n_weight_devs, parse_weight_dev, err) < 0)
		return -1;
	for (int i = 0; i < ISOLA_THR_COUNT; i++)
		if (parse_array(o, path, thr[i], sizeof(*b->throttle[i]), (void **)&b->throttle[i],
				&b->n_throttle[i], parse_throttle, err) < 0)
			return -1;
	return 0;
}

static int parse_hugepage(struct json_object *e, const char *path, void *out,
			  struct isola_error *err)
{
	struct isola_res_hugepage *h = out;
	int64_t limit = 0;
	if (get_str(e, path, "pageSize", true, &h->page_size, err) < 0)
		return -1;
	if (!h->page_size[0] || strchr(h->page_size, '/') || strchr(h->page_size, '.'))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.pageSize: invalid size \"%s\"",
				 path, h->page_size);
	if (get_member_int(e, path, "limit", true, 0, INT64_MAX, &limit, err) < 0)
		return -1;
	h->limit = (uint64_t)limit;
	return 0;
}

static int parse_prio(struct json_object *e, const char *path, void *out, struct isola_error *err)
{
	struct isola_res_prio *p = out;
	int64_t prio = 0;
	if (get_str(e, path, "name", true, &p->name, err) < 0)
		return -1;
	if (get_member_int(e, path, "priority", true, 0, UINT32_MAX, &prio, err) < 0)
		return -1;
	p->priority = (uint32_t)prio;
	return 0;
}

static int parse_network(struct json_object *o, const char *path, struct isola_resources *r,
			 struct isola_error *err)
{
	if (!json_object_is_type(o, json_type_object))
		return ju_err(err, path, NULL, "expected an object");
	int got = ju_int64(o, path, "classID", 0, UINT32_MAX, &r->class_id.v, err);
	if (got < 0)
		return -1;
	r->class_id.set = got > 0;
	return parse_array(o, path, "priorities", sizeof(*r->priorities), (void **)&r->priorities,
			   &r->n_priorities, parse_prio, err);
}

static int parse_device(struct json_object *e, const char *path, struct isola_res_device *d,
			struct isola_error *err)
{
	struct json_object *v;
	d->type = 'a';
	d->major = d->minor = -1;
	if (!json_object_object_get_ex(e, "allow", &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return isola_err(err, ISOLA_ERR_INVALID, 0, "%s.allow: expected a boolean", path);
	d->allow = json_object_get_boolean(v);
	if (json_object_object_get_ex(e, "type", &v) && v) {
		const char *t =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
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
		const char *a =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (!a || strlen(a) > 3 || strspn(a, "rwm") != strlen(a))
			return isola_err(err, ISOLA_ERR_INVALID, 0,
					 "%s.access: expected a subset of \"rwm\"", path);
		strcpy(d->access, a);
	}
	return 0;
}

static int parse_devices(struct json_object *arr, const char *path, struct isola_resources *r,
			 struct isola_error *err)
{
	char epath[JU_PATH_MAX];
	if (!json_object_is_type(arr, json_type_array))
		return ju_err(err, path, NULL, "expected an array");
	size_t len = json_object_array_length(arr);
	r->devices = calloc(len ? len : 1, sizeof(*r->devices));
	if (!r->devices)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		ju_index(epath, sizeof(epath), path, i);
		if (!json_object_is_type(e, json_type_object))
			return ju_err(err, epath, NULL, "expected an object");
		if (parse_device(e, epath, &r->devices[i], err) < 0)
			return -1;
		r->n_devices = i + 1;
	}
	return 0;
}

static int parse_maps(struct json_object *obj, const char *path, struct isola_resources *r,
		      struct isola_error *err);

static int parse_sections(struct json_object *obj, const char *path, struct isola_resources *r,
			  struct isola_error *err)
{
	struct json_object *v;
	char sub[512];
#define SECTION(name)                                                                              \
	(json_object_object_get_ex(obj, name, &v) && v &&                                          \
	 (snprintf(sub, sizeof(sub), "%s.%s", path, name), 1))
	if (SECTION("memory")) {
		r->has_memory = true;
		if (parse_fields(v, sub, memory_fields, &r->memory, err) < 0)
			return -1;
	}
	if (SECTION("cpu")) {
		r->has_cpu = true;
		if (parse_fields(v, sub, cpu_fields, &r->cpu, err) < 0 ||
		    get_str(v, sub, "cpus", false, &r->cpu.cpus, err) < 0 ||
		    get_str(v, sub, "mems", false, &r->cpu.mems, err) < 0)
			return -1;
	}
	if (SECTION("pids")) {
		int got;
		if (!json_object_is_type(v, json_type_object))
			return ju_err(err, sub, NULL, "expected an object");
		got = ju_int64(v, sub, "limit", INT64_MIN, INT64_MAX, &r->pids_limit.v, err);
		if (got < 0)
			return -1;
		if (got)
			r->pids_limit.set = r->has_pids = true;
	}
	if (SECTION("blockIO")) {
		r->has_blkio = true;
		if (parse_blkio(v, sub, &r->blkio, err) < 0)
			return -1;
	}
	if (SECTION("network")) {
		r->has_network = true;
		if (parse_network(v, sub, r, err) < 0)
			return -1;
	}
	if (SECTION("devices")) {
		r->has_devices = true;
		if (parse_devices(v, sub, r, err) < 0)
			return -1;
	}
#undef SECTION
	return parse_maps(obj, path, r, err);
}

static int parse_rdma(struct json_object *o, const char *path, struct isola_resources *r,
		      struct isola_error *err)
{
	char sub[512];
	size_t len = (size_t)json_object_object_length(o), i = 0;
	r->rdma = calloc(len ? len : 1, sizeof(*r->rdma));
	if (!r->rdma)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	json_object_object_foreach(o, key, val)
	{
		struct isola_res_rdma *d = &r->rdma[i++];
		r->n_rdma = i;
		snprintf(sub, sizeof(sub), "%s.%s", path, key);
		d->device = strdup(key);
		if (!d->device)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", sub);
		if (parse_fields(val, sub, rdma_fields, d, err) < 0)
			return -1;
	}
	return 0;
}

static int parse_unified(struct json_object *o, const char *path, struct isola_resources *r,
			 struct isola_error *err)
{
	size_t len = (size_t)json_object_object_length(o), i = 0;
	r->unified = calloc(len ? len : 1, sizeof(*r->unified));
	if (!r->unified)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	json_object_object_foreach(o, key, val)
	{
		struct isola_res_pair *p = &r->unified[i++];
		r->n_unified = i;
		/* keys name files in the container's cgroup dir: never a path out of it */
		if (!key[0] || strchr(key, '/') || key[0] == '.')
			return isola_err(err, ISOLA_ERR_INVALID, 0, "%s: invalid key \"%s\"", path,
					 key);
		if (!json_object_is_type(val, json_type_string))
			return ju_err(err, path, key, "expected a string");
		p->key = strdup(key);
		p->value = strdup(json_object_get_string(val));
		if (!p->key || !p->value)
			return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
	}
	return 0;
}

static int parse_maps(struct json_object *obj, const char *path, struct isola_resources *r,
		      struct isola_error *err)
{
	struct json_object *v;
	char sub[512];
	if (parse_array(obj, path, "hugepageLimits", sizeof(*r->hugepages), (void **)&r->hugepages,
			&r->n_hugepages, parse_hugepage, err) < 0)
		return -1;
	if (json_object_object_get_ex(obj, "rdma", &v) && v) {
		snprintf(sub, sizeof(sub), "%s.rdma", path);
		if (!json_object_is_type(v, json_type_object))
			return ju_err(err, sub, NULL, "expected an object");
		if (parse_rdma(v, sub, r, err) < 0)
			return -1;
	}
	if (json_object_object_get_ex(obj, "unified", &v) && v) {
		snprintf(sub, sizeof(sub), "%s.unified", path);
		if (!json_object_is_type(v, json_type_object))
			return ju_err(err, sub, NULL, "expected an object");
		if (parse_unified(v, sub, r, err) < 0)
			return -1;
	}
	return 0;
}

static void unset_zero(struct isola_opt *o)
{
	if (o->set && o->v == 0)
		o->set = false;
}

/*
 * As runc: engines send every field, with 0 for "not set" (Docker always sends
 * blockIO.weight 0; `docker update` sends cpu.quota 0, memory.reservation 0).
 * None of these has a meaningful 0 that a kernel would accept anyway.
 */
static void zero_means_unset(struct isola_resources *r)
{
	struct isola_res_memory *m = &r->memory;
	struct isola_res_cpu *c = &r->cpu;
	struct isola_opt *opts[] = {&m->limit,	   &m->reservation,  &m->swap,
				    &m->kernel,	   &m->kernel_tcp,   &c->shares,
				    &c->quota,	   &c->period,	     &c->rt_runtime,
				    &c->rt_period, &r->blkio.weight, &r->blkio.leaf_weight};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		unset_zero(opts[i]);
}

struct isola_resources *isola_resources_parse(struct json_object *obj, const char *path,
					      struct isola_error *err)
{
	struct isola_resources *r;
	if (!path)
		path = "linux.resources";
	if (!json_object_is_type(obj, json_type_object)) {
		ju_err(err, path, NULL, "expected an object");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "%s", path);
		return NULL;
	}
	if (parse_sections(obj, path, r, err) < 0) {
		isola_resources_free(r);
		return NULL;
	}
	zero_means_unset(r);
	return r;
}

void isola_resources_free(struct isola_resources *r)
{
	if (!r)
		return;
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_devs);
	for (int i = 0; i < ISOLA_THR_COUNT; i++)
		free(r->blkio.throttle[i]);
	for (size_t i = 0; i < r->n_hugepages; i++)
		free(r->hugepages[i].page_size);
	free(r->hugepages);
	for (size_t i = 0; i < r->n_priorities; i++)
		free(r->priorities[i].name);
	free(r->priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	for (size_t i = 0; i < r->n_unified; i++) {
		free(r->unified[i].key);
		free(r->unified[i].value);
	}
	free(r->unified);
	free(r->devices);
	free(r);
}
