/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "data" object of runc's `events --stats`: cpu, memory, pids, blkio,
 * hugetlb, in runc's field names, from whichever hierarchy holds each
 * controller. Missing files leave fields out rather than failing the call.
 */
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/internal.h"
#include "core/cleanup.h"

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_file(struct json_object *o, const char *key, const char *dir, const char *file)
{
	uint64_t v;
	if (cg_read_u64(dir, file, &v) == 0)
		add_u64(o, key, v == UINT64_MAX ? 0 : v);
}

static struct json_object *u64_list(const char *dir, const char *file)
{
	cleanup_free char *s = cg_read(dir, file, NULL);
	struct json_object *a = json_object_new_array();
	char *end;
	for (char *p = s; p && *p; p = end) {
		uint64_t v = strtoull(p, &end, 10);
		if (end == p)
			break;
		json_object_array_add(a, json_object_new_uint64(v));
	}
	return a;
}

static void cpu_v1(const struct isola_cgroup *cg, struct json_object *cpu)
{
	const struct cg_hier *acct = cg_find(cg, "cpuacct"), *c = cg_find(cg, "cpu");
	struct json_object *usage = json_object_new_object(), *thr = json_object_new_object();
	uint64_t v;
	if (acct) {
		add_file(usage, "total", acct->dir, "cpuacct.usage");
		json_object_object_add(usage, "percpu",
				       u64_list(acct->dir, "cpuacct.usage_percpu"));
		json_object_object_add(usage, "percpu_kernel",
				       u64_list(acct->dir, "cpuacct.usage_percpu_sys"));
		json_object_object_add(usage, "percpu_user",
				       u64_list(acct->dir, "cpuacct.usage_percpu_user"));
		add_file(usage, "kernel", acct->dir, "cpuacct.usage_sys");
		add_file(usage, "user", acct->dir, "cpuacct.usage_user");
	}
	if (c && cg_read_keyed(c->dir, "cpu.stat", "nr_periods", &v) == 0) {
		add_u64(thr, "periods", v);
		if (cg_read_keyed(c->dir, "cpu.stat", "nr_throttled", &v) == 0)
			add_u64(thr, "throttled_periods", v);
		if (cg_read_keyed(c->dir, "cpu.stat", "throttled_time", &v) == 0)
			add_u64(thr, "throttled_time", v);
	}
	json_object_object_add(cpu, "usage", usage);
	json_object_object_add(cpu, "throttling", thr);
}

static void cpu_v2(const struct cg_hier *h, struct json_object *cpu)
{
	static const char *const keys[][2] = {
	    {"usage_usec", "total"}, {"user_usec", "user"}, {"system_usec", "kernel"}};
	struct json_object *usage = json_object_new_object(), *thr = json_object_new_object();
	uint64_t v;
	for (int i = 0; i < 3; i++)
		if (cg_read_keyed(h->dir, "cpu.stat", keys[i][0], &v) == 0)
			add_u64(usage, keys[i][1], v * 1000);
	if (cg_read_keyed(h->dir, "cpu.stat", "nr_periods", &v) == 0)
		add_u64(thr, "periods", v);
	if (cg_read_keyed(h->dir, "cpu.stat", "nr_throttled", &v) == 0)
		add_u64(thr, "throttled_periods", v);
	if (cg_read_keyed(h->dir, "cpu.stat", "throttled_usec", &v) == 0)
		add_u64(thr, "throttled_time", v * 1000);
	json_object_object_add(cpu, "usage", usage);
	json_object_object_add(cpu, "throttling", thr);
}

static struct json_object *keyed_map(const char *dir, const char *file)
{
	cleanup_free char *s = cg_read(dir, file, NULL);
	struct json_object *m = json_object_new_object();
	char *save = NULL;
	for (char *line = s ? strtok_r(s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		add_u64(m, line, strtoull(sp + 1, NULL, 10));
	}
	return m;
}

static struct json_object *mem_entry(const char *dir, const char *pfx, bool v2)
{
	struct json_object *e = json_object_new_object();
	char f[128];
#define F(suffix) (snprintf(f, sizeof(f), "%s%s", pfx, suffix), f)
	add_file(e, "usage", dir, F(v2 ? "current" : "usage_in_bytes"));
	add_file(e, "max", dir, F(v2 ? "peak" : "max_usage_in_bytes"));
	add_file(e, "limit", dir, F(v2 ? "max" : "limit_in_bytes"));
	if (!v2)
		add_file(e, "failcnt", dir, F("failcnt"));
#undef F
	return e;
}

static void memory_stats(const struct cg_hier *h, struct json_object *mem)
{
	bool v2 = h->kind == CG_V2;
	struct json_object *raw = keyed_map(h->dir, "memory.stat"), *v;
	if (json_object_object_get_ex(raw, v2 ? "file" : "cache", &v))
		json_object_object_add(mem, "cache", json_object_get(v));
	json_object_object_add(mem, "usage", mem_entry(h->dir, "memory.", v2));
	json_object_object_add(mem, "swap",
			       mem_entry(h->dir, v2 ? "memory.swap." : "memory.memsw.", v2));
	if (!v2) {
		json_object_object_add(mem, "kernel", mem_entry(h->dir, "memory.kmem.", false));
		json_object_object_add(mem, "kernelTCP",
				       mem_entry(h->dir, "memory.kmem.tcp.", false));
	} else {
		uint64_t fc;
		if (cg_read_keyed(h->dir, "memory.events", "max", &fc) == 0 &&
		    json_object_object_get_ex(mem, "usage", &v))
			add_u64(v, "failcnt", fc);
	}
	json_object_object_add(mem, "raw", raw);
}

static void blkio_v1(const struct cg_hier *h, struct json_object *blk)
{
	static const char *const files[][2] = {
	    {"ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive"},
	    {"ioServicedRecursive", "blkio.throttle.io_serviced_recursive"}};
	for (int i = 0; i < 2; i++) {
		cleanup_free char *s = cg_read(h->dir, files[i][1], NULL);
		struct json_object *a = json_object_new_array();
		char *save = NULL;
		for (char *l = s ? strtok_r(s, "\n", &save) : NULL; l;
		     l = strtok_r(NULL, "\n", &save)) {
			unsigned maj, min;
			char op[16];
			unsigned long long val;
			if (sscanf(l, "%u:%u %15s %llu", &maj, &min, op, &val) != 4)
				continue;
			struct json_object *e = json_object_new_object();
			add_u64(e, "major", maj);
			add_u64(e, "minor", min);
			json_object_object_add(e, "op", json_object_new_string(op));
			add_u64(e, "value", val);
			json_object_array_add(a, e);
		}
		json_object_object_add(blk, files[i][0], a);
	}
}

static void io_entry(struct json_object *a, unsigned maj, unsigned min, const char *op, uint64_t v)
{
	struct json_object *e = json_object_new_object();
	add_u64(e, "major", maj);
	add_u64(e, "minor", min);
	json_object_object_add(e, "op", json_object_new_string(op));
	add_u64(e, "value", v);
	json_object_array_add(a, e);
}

static void blkio_v2(const struct cg_hier *h, struct json_object *blk)
{
	cleanup_free char *s = cg_read(h->dir, "io.stat", NULL);
	struct json_object *bytes = json_object_new_array(), *ios = json_object_new_array();
	char *save = NULL;
	for (char *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		unsigned maj, min;
		unsigned long long rb = 0, wb = 0, ri = 0, wi = 0;
		if (sscanf(l, "%u:%u", &maj, &min) != 2)
			continue;
		char *p;
		if ((p = strstr(l, "rbytes=")))
			rb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(l, "wbytes=")))
			wb = strtoull(p + 7, NULL, 10);
		if ((p = strstr(l, "rios=")))
			ri = strtoull(p + 5, NULL, 10);
		if ((p = strstr(l, "wios=")))
			wi = strtoull(p + 5, NULL, 10);
		io_entry(bytes, maj, min, "Read", rb);
		io_entry(bytes, maj, min, "Write", wb);
		io_entry(ios, maj, min, "Read", ri);
		io_entry(ios, maj, min, "Write", wi);
	}
	json_object_object_add(blk, "ioServiceBytesRecursive", bytes);
	json_object_object_add(blk, "ioServicedRecursive", ios);
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB -> "2MB", as cgroup file names spell it. */
static void hugetlb_stats(const struct cg_hier *h, struct json_object *out)
{
	cleanup_closedir DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;
	bool v2 = h->kind == CG_V2;
	while (d && (de = readdir(d))) {
		unsigned long kb;
		char size[32], f[96];
		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		if (kb >= 1024 * 1024)
			snprintf(size, sizeof(size), "%luGB", kb / (1024 * 1024));
		else if (kb >= 1024)
			snprintf(size, sizeof(size), "%luMB", kb / 1024);
		else
			snprintf(size, sizeof(size), "%luKB", kb);
		struct json_object *e = json_object_new_object();
		uint64_t fc;
		snprintf(f, sizeof(f), "hugetlb.%s.%s", size, v2 ? "current" : "usage_in_bytes");
		add_file(e, "usage", h->dir, f);
		/* v2 keeps no high-water mark of hugetlb usage */
		snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", size);
		if (!v2)
			add_file(e, "max", h->dir, f);
		snprintf(f, sizeof(f), "hugetlb.%s.%s", size, v2 ? "events" : "failcnt");
		if (v2 && cg_read_keyed(h->dir, f, "max", &fc) == 0)
			add_u64(e, "failcnt", fc);
		else if (!v2)
			add_file(e, "failcnt", h->dir, f);
		json_object_object_add(out, size, e);
	}
}

static struct json_object *section(struct json_object *o, const char *name)
{
	struct json_object *s = json_object_new_object();
	json_object_object_add(o, name, s);
	return s;
}

int isola_cgroup_stats(const struct isola_cgroup *cg, struct json_object **out,
		       struct isola_error *err)
{
	const struct cg_hier *h;
	struct json_object *o = json_object_new_object();
	if (!o)
		return isola_err(err, ISOLA_ERR_SYSTEM, 0, "stats: out of memory");
	if ((h = cg_find(cg, "cpuacct")) || (h = cg_find(cg, "cpu")) ||
	    (h = cg_find_kind(cg, CG_V2))) {
		if (h->kind == CG_V1)
			cpu_v1(cg, section(o, "cpu"));
		else
			cpu_v2(h, section(o, "cpu"));
	}
	if ((h = cg_find(cg, "memory")))
		memory_stats(h, section(o, "memory"));
	if ((h = cg_find(cg, "pids"))) {
		struct json_object *p = section(o, "pids");
		add_file(p, "current", h->dir, "pids.current");
		add_file(p, "limit", h->dir, "pids.max");
	}
	if ((h = cg_find(cg, "blkio")))
		blkio_v1(h, section(o, "blkio"));
	else if ((h = cg_find(cg, "io")))
		blkio_v2(h, section(o, "blkio"));
	if ((h = cg_find(cg, "hugetlb")))
		hugetlb_stats(h, section(o, "hugetlb"));
	*out = o;
	return 0;
}
