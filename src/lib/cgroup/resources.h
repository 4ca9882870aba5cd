/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CGROUP_RESOURCES_H
#define ISOLA_CGROUP_RESOURCES_H

/*
 * What cgroup/ does with the parsed linux.resources (spec/resources.h):
 * whether there is anything to apply, and the v1 -> v2 value conversions.
 */
#include <stdbool.h>
#include <stdint.h>

#include "spec/resources.h"

/* True when r asks for anything at all (rootless may skip cgroups only if not). */
bool isola_resources_any(const struct isola_resources *r);

/* Conversions between v1 and v2 values, as runc and crun do them. */
uint64_t isola_cpu_shares_to_weight(uint64_t shares);
uint64_t isola_blkio_weight_to_io(uint64_t weight);
/* memory.swap.max from the spec's swap (memory+swap) and limit; -1 = "max". */
int isola_swap_to_v2(int64_t swap, int64_t limit, int64_t *out);

#endif
