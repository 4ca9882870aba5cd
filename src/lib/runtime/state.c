/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/cleanup.h"
#include "core/util.h"
#include "runtime/state.h"

const char *isola_status_name(enum isola_status s)
{
	static const char *const names[] = {"creating", "created", "running", "paused", "stopped"};
	return names[s];
}

int isola_id_check(const char *id, struct isola_error *err)
{
	if (!id || !*id)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "container id cannot be empty");
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 1024)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid container id \"%s\"", id);
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return isola_err(err, ISOLA_ERR_INVALID, 0, "invalid container id \"%s\"",
					 id);
	return 0;
}

static int join_path(char **out, const char *a, const char *b, struct isola_error *err)
{
	if (asprintf(out, "%s/%s", a, b) < 0)
		return isola_err_sys(err, "alloc");
	return 0;
}

/* mkdir -p: engines hand us a --root whose parents may not exist yet (as runc allows). */
static int mkdir_parents(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

int isola_state_reserve(const char *root, const char *id, char **dir, struct isola_error *err)
{
	if (isola_id_check(id, err) < 0)
		return -1;
	if (mkdir_parents(root, 0711) < 0)
		return isola_err_sys(err, "create state root \"%s\"", root);
	if (join_path(dir, root, id, err) < 0)
		return -1;
	if (mkdir(*dir, 0711) < 0) {
		int e = errno;
		free(*dir);
		*dir = NULL;
		if (e == EEXIST)
			return isola_err(err, ISOLA_ERR_EXISTS, 0, "container with id exists: %s",
					 id);
		return isola_err(err, ISOLA_ERR_SYSTEM, e, "create state dir for \"%s\"", id);
	}
	return 0;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

int isola_state_save(const struct isola_state *s, struct isola_error *err)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", s->id);
	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "start_time", json_object_new_uint64(s->start_time));
	add_str(o, "bundle", s->bundle);
	add_str(o, "rootfs", s->rootfs);
	add_str(o, "created", s->created);
	json_object_object_add(o, "owner", json_object_new_int((int)s->owner));
	json_object_object_add(o, "systemd_cgroup", json_object_new_boolean(s->systemd_cgroup));
	json_object_object_add(o, "rootless", json_object_new_boolean(s->rootless));
	if (s->poststart_hooks)
		json_object_object_add(o, "poststart_hooks", json_object_new_boolean(true));
	if (s->poststop_hooks)
		json_object_object_add(o, "poststop_hooks", json_object_new_boolean(true));
	if (s->annotations)
		json_object_object_add(o, "annotations", json_object_get(s->annotations));
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	cleanup_close int own = s->dirfd >= 0 ? -1 : open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int dfd = s->dirfd >= 0 ? s->dirfd : own;
	int r = dfd < 0 ? isola_err_sys(err, "open state dir")
			: isola_write_file_atomic(dfd, "state.json", text, strlen(text), 0600,
						  false, err);
	json_object_put(o);
	return r;
}

static char *dup_str(struct json_object *o, const char *k)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return strdup(json_object_get_string(v));
}

static int64_t get_int(struct json_object *o, const char *k)
{
	struct json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void fill_state(struct isola_state *s, struct json_object *o)
{
	struct json_object *v;
	s->pid = (pid_t)get_int(o, "pid");
	if (json_object_object_get_ex(o, "start_time", &v))
		s->start_time = json_object_get_uint64(v);
	s->bundle = dup_str(o, "bundle");
	s->rootfs = dup_str(o, "rootfs");
	s->created = dup_str(o, "created");
	s->owner = (uid_t)get_int(o, "owner");
	s->systemd_cgroup =
	    json_object_object_get_ex(o, "systemd_cgroup", &v) && json_object_get_boolean(v);
	s->rootless = json_object_object_get_ex(o, "rootless", &v) && json_object_get_boolean(v);
	s->poststart_hooks =
	    json_object_object_get_ex(o, "poststart_hooks", &v) && json_object_get_boolean(v);
	s->poststop_hooks =
	    json_object_object_get_ex(o, "poststop_hooks", &v) && json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "annotations", &v))
		s->annotations = json_object_get(v);
}

struct isola_state *isola_state_load(const char *root, const char *id, struct isola_error *err)
{
	if (isola_id_check(id, err) < 0)
		return NULL;
	struct isola_state *s = calloc(1, sizeof(*s));
	if (s)
		s->dirfd = -1;
	if (!s || !(s->id = strdup(id)) || join_path(&s->dir, root, id, err) < 0) {
		isola_state_free(s);
		isola_err_sys(err, "alloc");
		return NULL;
	}
	cleanup_free char *path = NULL, *text = NULL, *cgpath = NULL;
	struct isola_error e2;
	/* Written before the init exists: what delete needs after a killed create. */
	if (join_path(&cgpath, s->dir, "cgroup", err) == 0 &&
	    isola_read_file_at(AT_FDCWD, cgpath, &s->cgroup, NULL, &e2) < 0)
		s->cgroup = NULL;
	if (join_path(&path, s->dir, "state.json", err) < 0 ||
	    isola_read_file_at(AT_FDCWD, path, &text, NULL, &e2) < 0) {
		struct stat st;
		bool dir_exists = stat(s->dir, &st) == 0;
		if (!dir_exists) {
			isola_state_free(s);
			isola_err(err, ISOLA_ERR_NOT_FOUND, 0, "container \"%s\" does not exist",
				  id);
			return NULL;
		}
		/* Reserved but never completed (e.g. the runtime was killed mid-create). */
		return s;
	}
	struct json_object *o = json_tokener_parse(text);
	if (!o) {
		isola_state_free(s);
		isola_err(err, ISOLA_ERR_INVALID, 0, "container \"%s\": corrupt state file", id);
		return NULL;
	}
	fill_state(s, o);
	json_object_put(o);
	return s;
}

void isola_state_clear(struct isola_state *s)
{
	free(s->id);
	free(s->dir);
	if (s->dirfd >= 0)
		close(s->dirfd);
	free(s->bundle);
	free(s->rootfs);
	free(s->created);
	free(s->cgroup);
	if (s->annotations)
		json_object_put(s->annotations);
	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
}

void isola_state_free(struct isola_state *s)
{
	if (!s)
		return;
	isola_state_clear(s);
	free(s);
}

int isola_state_save_cgroup(const struct isola_state *s, struct isola_error *err)
{
	cleanup_close int own = s->dirfd >= 0 ? -1 : open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int dfd = s->dirfd >= 0 ? s->dirfd : own;
	if (dfd < 0)
		return isola_err_sys(err, "open state dir");
	return isola_write_file_atomic(dfd, "cgroup", s->cgroup, strlen(s->cgroup), 0600, false,
				       err);
}

int isola_state_lock(const struct isola_state *s, struct isola_error *err)
{
	cleanup_close int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return isola_err_sys(err, "open state dir \"%s\"", s->dir);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return isola_err_sys(err, "lock state dir");
	return steal_fd(fd);
}

int isola_state_lock_own(const struct isola_state *s, struct isola_error *err)
{
	struct stat st;
	while (flock(s->dirfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return isola_err_sys(err, "lock state dir");
	if (fstat(s->dirfd, &st) < 0)
		return isola_err_sys(err, "stat state dir");
	return st.st_nlink > 0;
}

unsigned long long isola_pid_start_time(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* Field 22 (starttime); the command name in field 2 may contain spaces. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] == '\0')
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0; /* a zombie is not running */
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

bool isola_state_pid_alive(const struct isola_state *s)
{
	if (s->pid <= 0)
		return false;
	unsigned long long st = isola_pid_start_time(s->pid);
	return st != 0 && st == s->start_time;
}

enum isola_status isola_state_status(const struct isola_state *s)
{
	if (!s->created)
		return ISOLA_STATUS_CREATING;
	if (!isola_state_pid_alive(s))
		return ISOLA_STATUS_STOPPED;
	char path[4096];
	snprintf(path, sizeof(path), "%s/exec.fifo", s->dir);
	if (access(path, F_OK) == 0)
		return ISOLA_STATUS_CREATED;
	if (s->cgroup) {
		struct isola_error e;
		struct isola_cgroup *cg = isola_cgroup_load(s->cgroup, &e);
		int frozen = cg ? isola_cgroup_is_frozen(cg, &e) : 0;
		isola_cgroup_free(cg);
		if (frozen == 1)
			return ISOLA_STATUS_PAUSED;
	}
	return ISOLA_STATUS_RUNNING;
}

char *isola_state_json(const struct isola_state *s, enum isola_status status, int pretty)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	add_str(o, "id", s->id);
	json_object_object_add(o, "pid",
			       json_object_new_int(status == ISOLA_STATUS_STOPPED ? 0 : s->pid));
	add_str(o, "status", isola_status_name(status));
	add_str(o, "bundle", s->bundle);
	add_str(o, "rootfs", s->rootfs);
	add_str(o, "created", s->created);
	json_object_object_add(o, "owner", json_object_new_string(""));
	json_object_object_add(o, "annotations",
			       s->annotations ? json_object_get(s->annotations)
					      : json_object_new_object());
	int flags =
	    pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
	char *out =
	    strdup(json_object_to_json_string_ext(o, flags | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

int isola_state_remove(int dirfd, const char *dir, struct isola_error *err)
{
	/* The usual case: the files we write, by name; a full walk only for anything else. */
	static const char *const known[] = {"state.json", "cgroup", "config.json", "exec.fifo"};
	cleanup_close int own = -1;
	if (dirfd < 0) {
		own = dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (dirfd < 0)
			return errno == ENOENT ? 0 : isola_err_sys(err, "open \"%s\"", dir);
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		unlinkat(dirfd, known[i], 0);
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	return isola_rmtree_at(AT_FDCWD, dir, err);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int isola_state_list(const char *root, char ***ids, struct isola_error *err)
{
	*ids = calloc(1, sizeof(char *));
	cleanup_closedir DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : isola_err_sys(err, "open \"%s\"", root);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		char **nv = realloc(*ids, (n + 2) * sizeof(char *));
		if (!nv)
			return isola_err_sys(err, "alloc");
		*ids = nv;
		nv[n++] = strdup(de->d_name);
		nv[n] = NULL;
	}
	/* By id, as runc lists: readdir's order is the filesystem's, not the user's. */
	qsort(*ids, n, sizeof(char *), cmp_id);
	return 0;
}

int isola_write_pid_file(const char *path, pid_t pid, struct isola_error *err)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (isola_write_file_atomic(AT_FDCWD, path, buf, (size_t)n, 0644, false, err) < 0)
		return isola_err_prefix(err, "pid file");
	return 0;
}
