/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_ERROR_H
#define ISOLA_ERROR_H

/*
 * Errors in libisola: every function that can fail returns a negative value
 * (or NULL) and fills a struct isola_error passed as its last argument.
 * Callers add context with isola_err_prefix(); the CLIs print err->msg once.
 */

enum isola_error_kind {
	ISOLA_ERR_NONE = 0,
	ISOLA_ERR_SYSTEM,      /* a syscall failed; errnum says why */
	ISOLA_ERR_INVALID,     /* bad input: config, arguments, reference */
	ISOLA_ERR_NOT_FOUND,   /* container, image, file that does not exist */
	ISOLA_ERR_EXISTS,      /* id or name already taken */
	ISOLA_ERR_UNSUPPORTED, /* the host or the build can't do it */
	ISOLA_ERR_BUSY,	       /* locked or in use */
	ISOLA_ERR_STATE,       /* wrong container state for the operation */
};

struct isola_error {
	int kind;
	int errnum;
	char msg[2048];
};

/* Set an error; returns -1. When errnum != 0, ": strerror(errnum)" is appended. */
int isola_err(struct isola_error *err, int kind, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Shorthand: kind ISOLA_ERR_SYSTEM with the current errno; returns -1. */
int isola_err_sys(struct isola_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prepend "context: " to the message; kind and errnum stay; returns -1. */
int isola_err_prefix(struct isola_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void isola_err_clear(struct isola_error *err);

/*
 * Where the library sends a warning (something failed that the operation
 * goes on without, as the spec asks for poststop hooks): the CLIs print it.
 */
typedef void (*isola_warn_fn)(void *data, const char *msg);

#endif
