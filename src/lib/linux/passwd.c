/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "core/util.h"
#include "linux/passwd.h"

#define PASSWD_MAX (4u << 20)

/* Field i (0-based) of a ':'-separated line [p, end): its start and length. */
static bool field(const char *p, const char *end, int i, const char **f, size_t *n)
{
	for (; i > 0; i--) {
		const char *c = memchr(p, ':', (size_t)(end - p));
		if (!c)
			return false;
		p = c + 1;
	}
	const char *c = memchr(p, ':', (size_t)(end - p));
	*f = p;
	*n = (size_t)((c ? c : end) - p);
	return true;
}

static bool uid_is(const char *f, size_t n, uid_t uid)
{
	char buf[24];
	unsigned long long v;
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, f, n);
	buf[n] = '\0';
	return isola_parse_u64(buf, &v) == 0 && v == (unsigned long long)uid;
}

char *isola_passwd_home(const char *text, size_t len, uid_t uid)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *f, *home;
		size_t n, hn;
		if (field(p, eol, 2, &f, &n) && uid_is(f, n, uid) && field(p, eol, 5, &home, &hn))
			return hn ? strndup(home, hn) : NULL;
		p = eol + 1;
	}
	return NULL;
}

static char *read_passwd(int rootfd, size_t *len)
{
	struct isola_error ignored = {0};
	cleanup_close int fd = isola_open_in_root(rootfd, "/etc/passwd",
						  O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, &ignored);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > PASSWD_MAX)
		return NULL;
	cleanup_free char *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? isola_read_all(fd, buf, (size_t)st.st_size) : -1;
	if (n < 0)
		return NULL;
	*len = (size_t)n;
	return steal_ptr(buf);
}

char *isola_passwd_home_env(int rootfd, uid_t uid, struct isola_error *err)
{
	size_t len = 0;
	cleanup_free char *text = read_passwd(rootfd, &len);
	cleanup_free char *home = text ? isola_passwd_home(text, len, uid) : NULL;
	char *env = NULL;
	/* Like runc: no passwd file, no entry or an unreadable one all mean "/". */
	if (asprintf(&env, "HOME=%s", home ? home : "/") < 0) {
		isola_err(err, ISOLA_ERR_SYSTEM, ENOMEM, "process.env: HOME");
		return NULL;
	}
	return env;
}
