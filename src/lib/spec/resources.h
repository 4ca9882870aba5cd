/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_SPEC_RESOURCES_H
#define ISOLA_SPEC_RESOURCES_H

/*
 * linux.resources of the runtime-spec, parsed (spec/parse-resources.c) for
 * cgroup/ to apply. Every scalar is an "opt": set says the field was present,
 * so `update` only touches what it names.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isola/error.h"

struct isola_opt {
	bool set;
	int64_t v; /* unsigned spec fields are range-checked into int64 */
};

struct isola_res_memory {
	struct isola_opt limit, reservation, swap, kernel, kernel_tcp, swappiness;
	struct isola_opt disable_oom_killer, use_hierarchy, check_before_update; /* bools */
};

struct isola_res_cpu {
	struct isola_opt shares, quota, burst, period, rt_runtime, rt_period, idle;
	char *cpus, *mems; /* NULL when absent */
};

struct isola_res_weight_dev {
	int64_t major, minor;
	struct isola_opt weight, leaf_weight;
};

struct isola_res_throttle {
	int64_t major, minor;
	uint64_t rate;
};

enum {
	ISOLA_THR_READ_BPS,
	ISOLA_THR_WRITE_BPS,
	ISOLA_THR_READ_IOPS,
	ISOLA_THR_WRITE_IOPS,
	ISOLA_THR_COUNT
};

struct isola_res_blkio {
	struct isola_opt weight, leaf_weight;
	struct isola_res_weight_dev *weight_devs;
	size_t n_weight_devs;
	struct isola_res_throttle *throttle[ISOLA_THR_COUNT];
	size_t n_throttle[ISOLA_THR_COUNT];
};

struct isola_res_hugepage {
	char *page_size; /* "2MB", "1GB" */
	uint64_t limit;
};

struct isola_res_prio {
	char *name;
	uint32_t priority;
};

struct isola_res_rdma {
	char *device;
	struct isola_opt hca_handles, hca_objects;
};

struct isola_res_pair {
	char *key, *value;
};

struct isola_res_device {
	bool allow;
	char type;	      /* 'a', 'c', 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];	      /* subset of "rwm", "" = all */
};

struct isola_resources {
	bool has_memory, has_cpu, has_pids, has_blkio, has_network;
	struct isola_res_memory memory;
	struct isola_res_cpu cpu;
	struct isola_opt pids_limit;
	struct isola_res_blkio blkio;
	struct isola_res_hugepage *hugepages;
	size_t n_hugepages;
	struct isola_opt class_id;
	struct isola_res_prio *priorities;
	size_t n_priorities;
	struct isola_res_rdma *rdma;
	size_t n_rdma;
	struct isola_res_pair *unified;
	size_t n_unified;
	struct isola_res_device *devices;
	size_t n_devices;
	bool has_devices;
};

struct json_object;
/* Parse linux.resources (also `update --resources FILE`); path prefixes messages. */
struct isola_resources *isola_resources_parse(struct json_object *obj, const char *path,
					      struct isola_error *err);
void isola_resources_free(struct isola_resources *r);

#endif
