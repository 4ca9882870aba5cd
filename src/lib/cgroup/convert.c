/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value conversions between cgroup v1 (what the runtime-spec speaks) and v2,
 * and whether linux.resources asks for anything.
 */
#include <errno.h>
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

bool isola_resources_any(const struct isola_resources *r)
{
	return r && (r->has_memory || r->has_cpu || r->has_pids || r->has_blkio || r->has_network ||
		     r->n_hugepages || r->n_rdma || r->n_unified || r->n_devices);
}
