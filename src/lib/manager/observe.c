/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "manager/internal.h"
#include "runtime/state.h"

/*
 * Looking at containers: their processes and cgroup numbers (top, stats,
 * info), and the event log (events): one JSON line a change in
 * <store>/events.log, appended with O_APPEND (a line is one write, so lines
 * of racing writers never interleave), rotated at 1 MiB.
 */

static struct isola_cgroup *running_cgroup(struct isola_mgr *m, const char *id,
					   struct isola_error *err)
{
	struct isola_state *s = isola_state_load(m->rt_root, id, NULL);
	enum isola_status st = s ? isola_state_status(s) : ISOLA_STATUS_STOPPED;
	struct isola_cgroup *cg = NULL;
	if (st != ISOLA_STATUS_RUNNING && st != ISOLA_STATUS_PAUSED)
		isola_err(err, ISOLA_ERR_STATE, 0, "container %.12s is not running", id);
	else if (!s->cgroup)
		isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "container %.12s has no cgroup", id);
	else
		cg = isola_cgroup_load(s->cgroup, err);
	isola_state_free(s);
	return cg;
}

int isola_ctr_pids(struct isola_mgr *m, const char *id, pid_t **pids, size_t *n,
		   struct isola_error *err)
{
	struct isola_cgroup *cg = running_cgroup(m, id, err);
	int r = cg ? isola_cgroup_pids(cg, pids, n, err) : -1;
	isola_cgroup_free(cg);
	return r;
}

struct json_object *isola_ctr_stats(struct isola_mgr *m, const char *id, struct isola_error *err)
{
	struct isola_cgroup *cg = running_cgroup(m, id, err);
	struct json_object *o = NULL;
	if (cg && isola_cgroup_stats(cg, &o, err) < 0)
		o = NULL;
	isola_cgroup_free(cg);
	return o;
}

#define EVENTS_MAX (1 << 20)

void mgr_event(struct isola_mgr *m, const char *id, struct json_object *known, const char *action)
{
	struct json_object *rec = known ? json_object_get(known) : isola_ctr_load(m, id, NULL);
	struct json_object *e = json_object_new_object(), *attrs = json_object_new_object();
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char now[64];
	mgr_now(now, sizeof(now));
	json_object_object_add(e, "Type", json_object_new_string("container"));
	json_object_object_add(e, "Action", json_object_new_string(action));
	json_object_object_add(e, "ID", json_object_new_string(id));
	json_object_object_add(attrs, "name",
			       json_object_new_string(mgr_str(rec, "Name", "/") + 1));
	json_object_object_add(
	    attrs, "image", json_object_new_string(mgr_str(mgr_obj(rec, "Config"), "Image", "")));
	json_object_object_add(e, "Actor", attrs);
	json_object_object_add(e, "time", json_object_new_int64(ts.tv_sec));
	json_object_object_add(e, "timeNano",
			       json_object_new_int64(ts.tv_sec * 1000000000LL + ts.tv_nsec));
	json_object_object_add(e, "Time", json_object_new_string(now));
	size_t len;
	const char *text = json_object_to_json_string_length(
	    e, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	int fd =
	    openat(m->store->rootfd, "events.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (lseek(fd, 0, SEEK_END) > EVENTS_MAX)
			renameat(m->store->rootfd, "events.log", m->store->rootfd, "events.log.1");
		struct iovec iov[2] = {{(void *)text, len}, {(void *)"\n", 1}};
		(void)!writev(fd, iov, 2);
		close(fd);
	}
	json_object_put(e);
	json_object_put(rec);
}
