/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_MANAGER_INTERNAL_H
#define ISOLA_MANAGER_INTERNAL_H

/* Shared inside src/lib/manager and src/lib/monitor only. */
#include <stdbool.h>
#include <stdint.h>

#include "manager/manager.h"
#include "spec/config.h"

struct json_object;

int mgr_mkdir_run(struct isola_mgr *m, const char *sub, struct isola_error *err);
int mgr_name_take(struct isola_mgr *m, const char *name, const char *id, struct isola_error *err);
void mgr_name_drop(struct isola_mgr *m, const char *name, const char *id);

/* Record getters: the default when the key is missing or of another type. */
const char *mgr_str(struct json_object *o, const char *key, const char *def);
int64_t mgr_int(struct json_object *o, const char *key, int64_t def);
bool mgr_bool(struct json_object *o, const char *key);
struct json_object *mgr_obj(struct json_object *o, const char *key);

/* "<store>/containers/<id>/<sub>" */
void mgr_path(struct isola_mgr *m, const char *id, const char *sub, char *buf, size_t size);
/* The monitor's attach socket path (short: sun_path holds 108 bytes). */
void mgr_sock_path(struct isola_mgr *m, const char *id, char *buf, size_t size);

/* The OCI config.json of a record (oci.c): written to containers/<id>/bundle/. */
int mgr_write_bundle(struct isola_mgr *m, const char *id, struct json_object *rec,
		     struct isola_error *err);
/* USER[:GROUP] as docker: names from the container's /etc/passwd and /etc/group (rootfd). */
int mgr_resolve_user(int rootfd, const char *spec, long *uid, long *gid, struct isola_error *err);
/* security.c: seccomp and --security-opt, --ulimit, --device into the OCI config. */
int mgr_security(struct json_object *spec, struct json_object *hc, struct isola_error *err);
int mgr_ulimits(struct json_object *proc, struct json_object *ulimits, struct isola_error *err);
int mgr_devices(struct json_object *lo, struct json_object *devices, struct isola_error *err);
/* volume.c: the record's Mounts from -v and the image's VOLUMEs (volumes made as needed). */
struct json_object *mgr_mounts_new(struct isola_mgr *m, char **binds,
				   struct json_object *image_vols, struct isola_error *err);
void mgr_volumes_drop_anonymous(struct isola_mgr *m, struct json_object *mounts);
struct mgr_idmaps;
int mgr_volume_copyup(struct isola_mgr *m, const char *name, int rootfd, const char *dst,
		      const struct mgr_idmaps *maps, struct isola_error *err);
/* Append an event (create, start, die, stop, kill, pause, unpause, destroy, rename);
 * rec: the record when the caller holds it, else NULL (it is read). */
void mgr_event(struct isola_mgr *m, const char *id, struct json_object *rec, const char *action);
/* The record of new options (create.c). */
struct json_object *mgr_record_new(struct isola_mgr *m, const char *id, const char *name,
				   const struct isola_ctr_opts *o, struct json_object *image_cfg,
				   const char *image_id, struct isola_error *err);

/* net.c: networks of a record (leases at create, kept until rm), /etc/hosts, resolv.conf. */
int mgr_net_plan(struct isola_mgr *m, const char *id, const struct isola_ctr_opts *o,
		 struct json_object *rec, struct isola_error *err);
void mgr_net_release(struct isola_mgr *m, const char *id);
/* network connect/disconnect: lease and entry into rec (not saved), or both away. */
int mgr_net_join(struct isola_mgr *m, const char *id, const char *net, const char *ip,
		 const char *ip6, char *const *aliases, struct json_object *rec,
		 struct isola_error *err);
int mgr_net_leave(struct isola_mgr *m, const char *id, const char *net, struct json_object *rec,
		  struct isola_error *err);
bool mgr_net_joined(struct json_object *rec);
char *mgr_net_hosts_text(struct isola_mgr *m, const char *id, struct json_object *rec);
char *mgr_net_resolv_text(struct json_object *rec);
/* The hosts files of the running containers sharing a user network with rec, and
 * rec's own when it runs. */
void mgr_net_hosts_refresh(struct isola_mgr *m, const char *id, struct json_object *rec);
/* Run isola-net VERB ID (up, down), waiting; netns_fd >= 0 is passed as fd 3. */
int mgr_net_helper(struct isola_mgr *m, const char *verb, const char *id, int netns_fd,
		   struct isola_error *err);
/* ports.c: -p into HostConfig.PortBindings; at start, the host ports bound and held
 * (fds), NetworkSettings.Ports filled in rec. */
int mgr_ports_parse(char *const *publish, struct json_object *hc, struct isola_error *err);
int mgr_ports_bind(struct json_object *rec, int **fds, size_t *nfds, struct isola_error *err);
/* userns.c: a record's HostConfig.IDMappings (nu = ng = 0 without a user namespace). */
struct mgr_idmaps {
	struct isola_idmap *uid, *gid;
	size_t nu, ng;
};
int mgr_idmaps_get(struct json_object *rec, struct mgr_idmaps *maps, struct isola_error *err);
void mgr_idmaps_release(struct mgr_idmaps *maps);
/* The host id container id 0 maps to (else the first mapping's). */
uint32_t mgr_idmap_root(const struct isola_idmap *m, size_t n);
/* The OCI user namespace and mappings of maps into spec; 1 when there is one. */
int mgr_userns_spec(struct json_object *spec, const struct mgr_idmaps *maps);
/* Host ids of maps back to the container's, in the tree at dirfd (a volume's copy of an
 * idmapped root: stored with the container's ids, as the volume is idmapped too). */
int mgr_idmaps_unshift(int dirfd, const struct mgr_idmaps *maps, struct isola_error *err);
/* The dirs above the container's root: traversable by its root (host gid). */
int mgr_userns_dirs(struct isola_mgr *m, const char *id, uint32_t gid, struct isola_error *err);
/* --userns/--uidmap/--gidmap into hc (UsernsMode, IDMappings), checked; auto's range
 * is left to mgr_userns_pick. */
int mgr_userns_record(struct isola_mgr *m, const struct isola_ctr_opts *o, struct json_object *hc,
		      struct isola_error *err);
/* --userns=auto[:size=N]: a free range into hc.IDMappings. The caller holds the lock
 * until the record is saved: the pick reads the other records. */
int mgr_userns_pick(struct isola_mgr *m, const char *mode, struct json_object *hc,
		    struct isola_error *err);

/* Atomic; durable: fsync'd too (what the user configured). State changes are not:
 * after a crash the liveness checks correct a stale State anyway. */
int mgr_save(struct isola_mgr *m, const char *id, struct json_object *rec, bool durable,
	     struct isola_error *err);
/* Update State under the lock (not durable): fn edits the State object. */
typedef void (*mgr_state_fn)(struct json_object *state, struct json_object *rec, void *data);
int mgr_update_state(struct isola_mgr *m, const char *id, mgr_state_fn fn, void *data,
		     struct isola_error *err);
void mgr_now(char *buf, size_t size);
/* A mgr_state_fn: exited now with the exit code *(int *)data. */
void mgr_state_exited(struct json_object *st, struct json_object *rec, void *data);
/* isola_ctr_remove; with trash, the storage is only moved aside (isola_rootfs_retire):
 * the caller deletes trash ("" when it was removed at once) later. */
int mgr_ctr_remove(struct isola_mgr *m, const char *id, bool force, bool volumes, char *trash,
		   size_t tsize, struct isola_error *err);
/* Whether the pid with this start time (0: any) is alive. */
bool mgr_pid_alive(pid_t pid, unsigned long long start);

#endif
