/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device rules every container gets on top of its config, as runc and
 * crun do: the default nodes the runtime creates in /dev (null, zero, full,
 * random, urandom, tty, ptmx, the pts devices) and every linux.devices entry
 * must stay usable even under a "deny all" linux.resources.devices. Rules
 * are "last match wins", so these are appended after the config's.
 */
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/resources.h"
#include "spec/config.h"

static const struct isola_res_device defaults[] = {
	{true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},  /* mknod; access is separate */
	{true, 'c', 1, 3, "rwm"}, {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 7, "rwm"},
	{true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 9, "rwm"}, {true, 'c', 5, 0, "rwm"},
	{true, 'c', 5, 1, "rwm"}, {true, 'c', 5, 2, "rwm"}, {true, 'c', 136, -1, "rwm"},
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

int isola_resources_allow_devices(struct isola_resources *r, const struct isola_device *devs,
				  size_t n, struct isola_error *err)
{
	if (!r || !r->has_devices)
		return 0;
	size_t total = r->n_devices + NDEFAULTS + n;
	struct isola_res_device *v = realloc(r->devices, total * sizeof(*v));
	if (!v)
		return isola_err_sys(err, "alloc");
	memcpy(v + r->n_devices, defaults, sizeof(defaults));
	size_t k = r->n_devices + NDEFAULTS;
	for (size_t i = 0; i < n; i++) {
		if (devs[i].type == 'p')
			continue; /* fifos are not subject to the device controller */
		v[k++] = (struct isola_res_device){true, devs[i].type == 'u' ? 'c' : devs[i].type,
						   devs[i].major, devs[i].minor, "rwm"};
	}
	r->devices = v;
	r->n_devices = k;
	return 0;
}
