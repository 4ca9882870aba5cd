/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "runtime/container.h"

/* The verbs that act on a live container's cgroup, and what `state`, `list` and `events` show. */

#define STATUS_BIT(s) (1 << (s))

/* A container's state and cgroup, when its status is one of mask's. */
static struct isola_cgroup *load_cgroup(const struct isola_rt *rt, const char *id,
					struct isola_state **state, int mask,
					struct isola_error *err)
{
	*state = isola_state_load(rt->root, id, err);
	if (!*state)
		return NULL;
	enum isola_status st = isola_state_status(*state);
	if (!(mask & STATUS_BIT(st))) {
		if (st == ISOLA_STATUS_STOPPED)
			isola_err(err, ISOLA_ERR_STATE, 0, "container not running");
		else
			isola_err(err, ISOLA_ERR_STATE, 0, "container %s is %s", id,
				  isola_status_name(st));
		return NULL;
	}
	if (!(*state)->cgroup) {
		isola_err(err, ISOLA_ERR_UNSUPPORTED, 0, "container %s has no cgroup", id);
		return NULL;
	}
	return isola_cgroup_load((*state)->cgroup, err);
}

static int freeze(const struct isola_rt *rt, const char *id, bool on, struct isola_error *err)
{
	struct isola_state *s = NULL;
	int want = on ? STATUS_BIT(ISOLA_STATUS_RUNNING) | STATUS_BIT(ISOLA_STATUS_CREATED)
		      : STATUS_BIT(ISOLA_STATUS_PAUSED);
	struct isola_cgroup *cg = load_cgroup(rt, id, &s, want, err);
	int rc = cg ? isola_cgroup_freeze(cg, on, err) : -1;
	isola_cgroup_free(cg);
	isola_state_free(s);
	return rc;
}

int isola_container_pause(const struct isola_rt *rt, const char *id, struct isola_error *err)
{
	return freeze(rt, id, true, err);
}

int isola_container_resume(const struct isola_rt *rt, const char *id, struct isola_error *err)
{
	return freeze(rt, id, false, err);
}

int isola_container_update(const struct isola_rt *rt, const char *id, struct json_object *resources,
			   struct isola_error *err)
{
	struct isola_state *s = NULL;
	int live = STATUS_BIT(ISOLA_STATUS_CREATED) | STATUS_BIT(ISOLA_STATUS_RUNNING) |
		   STATUS_BIT(ISOLA_STATUS_PAUSED);
	struct isola_cgroup *cg = load_cgroup(rt, id, &s, live, err);
	struct isola_resources *r = cg ? isola_resources_parse(resources, "resources", err) : NULL;
	int rc = r ? isola_cgroup_update(cg, r, err) : -1;
	isola_resources_free(r);
	isola_cgroup_free(cg);
	isola_state_free(s);
	return rc;
}

int isola_container_pids(const struct isola_rt *rt, const char *id, pid_t **pids, size_t *n,
			 struct isola_error *err)
{
	struct isola_state *s = NULL;
	/* A stopped container has its cgroup until delete: no rows, not an error (as runc). */
	struct isola_cgroup *cg = load_cgroup(rt, id, &s, ~0, err);
	int rc = cg ? isola_cgroup_pids(cg, pids, n, err) : -1;
	isola_cgroup_free(cg);
	isola_state_free(s);
	return rc;
}

static void emit_event(const struct isola_events_opts *o, const char *type, const char *id,
		       struct json_object *data)
{
	struct json_object *ev = json_object_new_object();
	json_object_object_add(ev, "type", json_object_new_string(type));
	json_object_object_add(ev, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(ev, "data", data);
	o->emit(o->data, json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN));
	json_object_put(ev);
}

static int emit_stats(const struct isola_events_opts *o, const struct isola_cgroup *cg,
		      const char *id, struct isola_error *err)
{
	struct json_object *data = NULL;
	if (isola_cgroup_stats(cg, &data, err) < 0)
		return -1;
	emit_event(o, "stats", id, data);
	return 0;
}

static int events_loop(const struct isola_events_opts *o, const struct isola_state *s,
		       const struct isola_cgroup *cg, struct isola_error *err)
{
	struct isola_error ignored = {0};
	unsigned long ooms = 0, now;
	isola_cgroup_oom_count(cg, &ooms, &ignored);
	for (;;) {
		bool stopped = isola_state_status(s) == ISOLA_STATUS_STOPPED;
		/* Checked once more after the stop: an OOM kill is often why it stopped. */
		if (isola_cgroup_oom_count(cg, &now, &ignored) == 0 && now > ooms) {
			ooms = now;
			emit_event(o, "oom", s->id, NULL);
		}
		if (stopped)
			return 0;
		if (emit_stats(o, cg, s->id, err) < 0)
			return -1;
		poll(NULL, 0, (int)o->interval_ms);
	}
}

int isola_container_events(const struct isola_rt *rt, const char *id,
			   const struct isola_events_opts *o, struct isola_error *err)
{
	struct isola_state *s = NULL;
	struct isola_cgroup *cg = load_cgroup(rt, id, &s, ~STATUS_BIT(ISOLA_STATUS_STOPPED), err);
	int rc = -1;
	if (cg)
		rc = o->stats_once ? emit_stats(o, cg, id, err) : events_loop(o, s, cg, err);
	isola_cgroup_free(cg);
	isola_state_free(s);
	return rc;
}

char *isola_container_state_json(const struct isola_rt *rt, const char *id, bool pretty,
				 struct isola_error *err)
{
	struct isola_state *s = isola_state_load(rt->root, id, err);
	if (!s)
		return NULL;
	char *json = isola_state_json(s, isola_state_status(s), pretty);
	isola_state_free(s);
	return json;
}

/* Moves what info needs out of s. */
static void fill_info(struct isola_container_info *i, struct isola_state *s, bool json)
{
	enum isola_status st = isola_state_status(s);
	i->json = json ? isola_state_json(s, st, 0) : NULL;
	i->id = s->id;
	i->pid = st == ISOLA_STATUS_STOPPED ? 0 : s->pid;
	i->status = isola_status_name(st);
	i->bundle = s->bundle;
	i->created = s->created;
	i->owner = s->owner;
	s->id = s->bundle = s->created = NULL;
}

int isola_container_list(const struct isola_rt *rt, bool json, struct isola_container_info **out,
			 size_t *n, struct isola_error *err)
{
	cleanup_strv char **ids = NULL;
	if (isola_state_list(rt->root, &ids, err) < 0)
		return -1;
	size_t total = 0;
	while (ids[total])
		total++;
	struct isola_container_info *v = calloc(total + 1, sizeof(*v));
	if (!v)
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "list");
	*n = 0;
	for (size_t i = 0; i < total; i++) {
		struct isola_error e = {0};
		struct isola_state *s = isola_state_load(rt->root, ids[i], &e);
		/* Half-made (no "created" yet) or gone meanwhile: not listed. */
		if (s && s->created)
			fill_info(&v[(*n)++], s, json);
		isola_state_free(s);
	}
	*out = v;
	return 0;
}

void isola_container_list_free(struct isola_container_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].id);
		free(v[i].bundle);
		free(v[i].created);
		free(v[i].json);
	}
	free(v);
}
