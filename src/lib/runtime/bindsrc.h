/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_BINDSRC_H
#define ISOLA_BINDSRC_H

/*
 * Bind sources of a container with a user namespace, opened by the runtime
 * (as runc does). The container's root is a mapped host id: it can't reach
 * a source under a directory only the host's root may enter. A helper
 * forked by the runtime joins the init's mount namespace, keeps the host's
 * credentials, opens each source O_PATH there and sends it to the init. The
 * fds name the container's own copies of the host's mounts, so the init can
 * clone them (open_tree wants a mount of its namespace) and the flags the
 * kernel locked on those copies (ro, nosuid, nodev of the host's mount) stay
 * locked, which a clone made in the host's namespace would not keep.
 *
 * Internal to runtime/. Protocol, after GO: zero or more MOUNT_SRC messages
 * (payload: the mount's index, an fd), then one MOUNT_SRC without an fd.
 */
#include <sys/types.h>

#include "isola/error.h"
#include "spec/config.h"

/* Parent: send the sources for init pid over sync, then the end mark. */
int isola_bindsrc_send(pid_t init, const struct isola_config *c, int sync, struct isola_error *err);
/*
 * Init: receive them. *premade (n_mounts entries) gets idmapped (a copy of
 * idmap_fds, which may be NULL) and the received source fds, -1 elsewhere;
 * NULL when there is nothing at all.
 */
int isola_bindsrc_recv(int sync, const struct isola_config *c, const int *idmap_fds, int **premade,
		       struct isola_error *err);
/* Init: close the received fds (not the idmapped ones) and free the array. */
void isola_bindsrc_release(int *premade, const int *idmap_fds, size_t n);

#endif
