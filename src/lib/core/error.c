/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "isola/error.h"

__attribute__((format(printf, 4, 0))) static void verr(struct isola_error *err, int kind,
						       int errnum, const char *fmt, va_list ap)
{
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		n = 0;
	if (errnum != 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
	err->kind = kind;
	err->errnum = errnum;
}

int isola_err(struct isola_error *err, int kind, int errnum, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return -1;
	va_start(ap, fmt);
	verr(err, kind, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int isola_err_sys(struct isola_error *err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	if (!err)
		return -1;
	va_start(ap, fmt);
	verr(err, ISOLA_ERR_SYSTEM, saved, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int isola_err_prefix(struct isola_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;
	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void isola_err_clear(struct isola_error *err)
{
	if (!err)
		return;
	err->kind = ISOLA_ERR_NONE;
	err->errnum = 0;
	err->msg[0] = '\0';
}
