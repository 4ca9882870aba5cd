/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The device rules every container gets, as runc and crun do: the default
 * nodes the runtime creates in /dev (null, zero, full, random, urandom, tty,
 * ptmx, the pts devices) stay usable even under a "deny all"
 * linux.resources.devices. Rules are "last match wins", so these are appended
 * after the config's. linux.devices entries are not among them: the spec's
 * linux.devices only makes nodes, and what the container may open is the
 * device cgroup's say (runc 1.1 the same; a config that wants /dev/kmsg
 * usable lists it in linux.resources.devices too).
 */
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/resources.h"

static const struct isola_res_device defaults[] = {
    {true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"}, /* mknod; access is separate */
    {true, 'c', 1, 3, "rwm"}, {true, 'c', 1, 5, "rwm"}, {true, 'c', 1, 7, "rwm"},
    {true, 'c', 1, 8, "rwm"}, {true, 'c', 1, 9, "rwm"}, {true, 'c', 5, 0, "rwm"},
    {true, 'c', 5, 1, "rwm"}, {true, 'c', 5, 2, "rwm"}, {true, 'c', 136, -1, "rwm"},
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

/*
 * Without linux.resources.devices the policy is still "deny all but the
 * defaults" (runc's whitelist default): a config that leaves the section out
 * must not get every host device.
 */
static struct isola_res_device *deny_all(struct isola_resources *r)
{
	struct isola_res_device *v = calloc(NDEFAULTS + 1, sizeof(*v));
	if (!v)
		return NULL;
	v[0] = (struct isola_res_device){false, 'a', -1, -1, "rwm"};
	free(r->devices);
	r->devices = v;
	r->n_devices = 1;
	r->has_devices = true;
	return v;
}

int isola_resources_device_policy(struct isola_resources **rp, bool rootless,
				  struct isola_error *err)
{
	/* Rootless has no device cgroup to write: only what the config asks for is tried. */
	if (rootless && (!*rp || !(*rp)->has_devices))
		return 0;
	if (!*rp && !(*rp = calloc(1, sizeof(**rp))))
		return isola_err_sys(err, "alloc");
	struct isola_resources *r = *rp;
	if (!r->has_devices && !deny_all(r))
		return isola_err_sys(err, "alloc");
	struct isola_res_device *v = realloc(r->devices, (r->n_devices + NDEFAULTS) * sizeof(*v));
	if (!v)
		return isola_err_sys(err, "alloc");
	memcpy(v + r->n_devices, defaults, sizeof(defaults));
	r->devices = v;
	r->n_devices += NDEFAULTS;
	return 0;
}
