/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seccomp agent hand-off (runtime-spec "Container process state"): one
 * message on a unix stream socket to linux.seccomp.listenerPath carrying the
 * listener fd in SCM_RIGHTS and a containerProcessState JSON whose "fds"
 * names it. Also the "seccomp" object of `features`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/seccomp.h>

#include "core/cleanup.h"
#include "core/fdpass.h"
#include "core/sys.h"
#include "isola-version.h"
#include "linux/seccomp.h"
#include "spec/seccomp.h"

static void json_putp(struct json_object **o)
{
	json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(json_putp)))

static char *process_state_json(const struct isola_seccomp *s, const char *state_json, int pid,
				struct isola_error *err)
{
	cleanup_json struct json_object *root = json_object_new_object();
	struct json_object *fds = json_object_new_array(), *state = NULL;
	char *out;

	if (state_json) {
		state = json_tokener_parse(state_json);
		if (!state) {
			json_object_put(fds);
			isola_err(err, ISOLA_ERR_INVALID, 0, "seccomp listener: bad state json");
			return NULL;
		}
	}
	json_object_array_add(fds, json_object_new_string("seccompFd"));
	json_object_object_add(root, "ociVersion", json_object_new_string(ISOLA_OCI_VERSION));
	json_object_object_add(root, "fds", fds);
	json_object_object_add(root, "pid", json_object_new_int(pid));
	if (s->listener_metadata)
		json_object_object_add(root, "metadata",
				       json_object_new_string(s->listener_metadata));
	json_object_object_add(root, "state", state ? state : json_object_new_object());
	out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	if (!out)
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "seccomp listener");
	return out;
}

static int connect_listener(const char *path, struct isola_error *err)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;

	if (strlen(path) >= sizeof(addr.sun_path))
		return isola_err(err, ISOLA_ERR_INVALID, ENAMETOOLONG, "seccomp listener \"%s\"",
				 path);
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return isola_err_sys(err, "seccomp listener: socket");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return isola_err_sys(err, "seccomp listener: connect \"%s\"", path);
	return steal_fd(fd);
}

/* The fd rides on the first bytes; a stream socket may take the rest later. */
static int send_with_fd(int sock, const char *buf, size_t len, int fd, struct isola_error *err)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	ssize_t n = isola_send_fd_msg(sock, &iov, 1, fd);
	if (n < 0)
		return isola_err_sys(err, "seccomp listener: send");
	for (size_t off = (size_t)n; off < len; off += (size_t)n) {
		n = send(sock, buf + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n < 0)
			return isola_err_sys(err, "seccomp listener: send");
	}
	return 0;
}

int isola_seccomp_send_listener(const struct isola_seccomp *s, int notify_fd,
				const char *state_json, int pid, struct isola_error *err)
{
	cleanup_free char *msg = NULL;
	cleanup_close int sock = -1;

	if (!s || notify_fd < 0)
		return 0;
	if (!s->listener_path)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "seccomp listener: no listenerPath");
	msg = process_state_json(s, state_json, pid, err);
	if (!msg)
		return -1;
	sock = connect_listener(s->listener_path, err);
	if (sock < 0)
		return -1;
	return send_with_fd(sock, msg, strlen(msg), notify_fd, err);
}

static struct json_object *name_array(const struct isola_seccomp_name *t, bool skip_zero)
{
	struct json_object *a = json_object_new_array();

	for (; t->name; t++)
		if (!skip_zero || t->value != 0)
			json_object_array_add(a, json_object_new_string(t->name));
	return a;
}

/*
 * A flag is supported when the kernel gets past flag validation: with a NULL
 * program that means EFAULT, an unknown flag gives EINVAL. Nothing is loaded.
 */
static bool kernel_has_flag(unsigned int flag)
{
	if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
		flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 && errno == EFAULT;
}

int isola_seccomp_features(struct json_object *linux_obj, struct isola_error *err)
{
	struct json_object *o = json_object_new_object(), *supported = json_object_new_array();

	if (!o || !supported) {
		json_object_put(o);
		json_object_put(supported);
		return isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "seccomp features");
	}
	json_object_object_add(o, "enabled", json_object_new_boolean(1));
	json_object_object_add(o, "actions", name_array(isola_seccomp_actions, false));
	json_object_object_add(o, "operators", name_array(isola_seccomp_ops, false));
	json_object_object_add(o, "archs", name_array(isola_seccomp_archs, true));
	json_object_object_add(o, "knownFlags", name_array(isola_seccomp_flags, false));
	for (const struct isola_seccomp_name *f = isola_seccomp_flags; f->name; f++)
		if (kernel_has_flag(f->value))
			json_object_array_add(supported, json_object_new_string(f->name));
	json_object_object_add(o, "supportedFlags", supported);
	json_object_object_add(linux_obj, "seccomp", o);
	return 0;
}
