/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "net/net.h"
#include "netcli.h"

/*
 * After `network rm`: the bridge device and the network's nftables rules go
 * too. The network is already out of the store, so a failure here is a
 * warning; the device is idempotent to delete, so the next rm, or a reboot,
 * is not needed to get a clean state: `ip link del` is.
 */
void net_teardown(const struct isola_network *n)
{
	struct isola_error err = {0};
	if (strcmp(n->driver, "bridge") || !n->device[0])
		return;
	struct isola_nl *nl = isola_nl_open(-1, &err);
	if (!nl || isola_link_del(nl, n->device, &err) < 0) {
		if (err.kind != ISOLA_ERR_UNSUPPORTED)
			fprintf(stderr, "isola: warning: network %s: delete bridge \"%s\": %s\n",
				n->name, n->device, err.msg);
	}
	isola_nl_close(nl);
	err = (struct isola_error){0};
	if (isola_nft_network_del(n->device, &err) < 0 && err.kind != ISOLA_ERR_UNSUPPORTED)
		fprintf(stderr, "isola: warning: network %s: delete nftables rules: %s\n", n->name,
			err.msg);
}
