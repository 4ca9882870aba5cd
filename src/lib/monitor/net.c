/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "manager/internal.h"
#include "monitor/internal.h"

/*
 * A container's network at each start. The monitor binds the published host
 * ports and holds them while the container runs. The helper that creates
 * the container first moves into a new network namespace and has isola-net
 * (a program of its own: libnftables and libmnl stay out of the monitor)
 * make the links, addresses, routes and NAT from the host's side; the
 * container is then created inside that namespace. The namespace has no
 * name and no bind mount: it dies with the container's last process, and
 * the veth with it, so a killed monitor leaves no link behind.
 */

static void keep_ports(struct json_object *st, struct json_object *rec, void *data)
{
	(void)st;
	struct json_object *ports = NULL, *ns = mgr_obj(rec, "NetworkSettings");
	json_object_deep_copy(data, &ports, NULL);
	if (ns && ports)
		json_object_object_add(ns, "Ports", ports);
	else
		json_object_put(ports);
}

int mon_net_ports(struct mon *mo, struct json_object *rec, struct isola_error *err)
{
	mon_net_release(mo);
	if (!mgr_net_joined(rec))
		return 0;
	if (mgr_ports_bind(rec, &mo->ports, &mo->nports, err) < 0)
		return -1;
	struct json_object *ports = mgr_obj(mgr_obj(rec, "NetworkSettings"), "Ports");
	return mgr_update_state(mo->m, mo->id, keep_ports, ports, err);
}

void mon_net_release(struct mon *mo)
{
	for (size_t i = 0; i < mo->nports; i++)
		close(mo->ports[i]);
	free(mo->ports);
	mo->ports = NULL;
	mo->nports = 0;
}

int mon_net_enter(struct mon *mo, struct json_object *rec, int *host_ns, struct isola_error *err)
{
	*host_ns = -1;
	if (!mgr_net_joined(rec))
		return 0;
	int host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), ctr = -1;
	if (host < 0)
		return isola_err_sys(err, "open /proc/self/ns/net");
	if (unshare(CLONE_NEWNET) < 0) {
		close(host);
		return isola_err_sys(err, "unshare(CLONE_NEWNET)");
	}
	ctr = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int r = ctr < 0 ? isola_err_sys(err, "open the new netns") : 0;
	/* isola-net works from the host's side, handed the new netns as fd 3 */
	if (r == 0 && setns(host, CLONE_NEWNET) < 0)
		r = isola_err_sys(err, "setns(host)");
	if (r == 0 && mgr_net_helper(mo->m, "up", mo->id, ctr, err) < 0) {
		mgr_net_helper(mo->m, "down", mo->id, -1, NULL);
		r = -1;
	}
	if (r == 0 && setns(ctr, CLONE_NEWNET) < 0)
		r = isola_err_sys(err, "setns(container)");
	if (ctr >= 0)
		close(ctr);
	if (r < 0)
		close(host);
	else
		*host_ns = host;
	return r;
}

void mon_net_abort(struct mon *mo, int host_ns)
{
	if (host_ns < 0)
		return;
	if (setns(host_ns, CLONE_NEWNET) == 0)
		mgr_net_helper(mo->m, "down", mo->id, -1, NULL);
	close(host_ns);
}

void mon_net_exited(struct mon *mo)
{
	struct json_object *rec = isola_ctr_load(mo->m, mo->id, NULL);
	if (rec && mgr_net_joined(rec)) {
		mgr_net_helper(mo->m, "down", mo->id, -1, NULL);
		mgr_net_hosts_refresh(mo->m, mo->id, rec);
	}
	json_object_put(rec);
	mon_net_release(mo);
}
