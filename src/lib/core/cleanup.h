/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CLEANUP_H
#define ISOLA_CLEANUP_H

/*
 * Scope-bound cleanup (GCC/Clang cleanup attribute), as in LXC and systemd.
 * fds start at -1; steal_ptr/steal_fd hand ownership over explicitly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void isola_freep(void *p)
{
	free(*(void **)p);
}

static inline void isola_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void isola_fclosep(FILE **f)
{
	if (*f) {
		int saved = errno;
		fclose(*f);
		errno = saved;
	}
}

static inline void isola_closedirp(DIR **d)
{
	if (*d) {
		int saved = errno;
		closedir(*d);
		errno = saved;
	}
}

/* Free a NULL-terminated vector of strings. */
static inline void isola_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static inline void isola_strv_freep(char ***v)
{
	isola_strv_free(*v);
}

#define cleanup_free __attribute__((cleanup(isola_freep)))
#define cleanup_close __attribute__((cleanup(isola_closep)))
#define cleanup_fclose __attribute__((cleanup(isola_fclosep)))
#define cleanup_closedir __attribute__((cleanup(isola_closedirp)))
#define cleanup_strv __attribute__((cleanup(isola_strv_freep)))

#define steal_ptr(p)                                                                               \
	({                                                                                         \
		__typeof__(p) steal_tmp_ = (p);                                                    \
		(p) = NULL;                                                                        \
		steal_tmp_;                                                                        \
	})

#define steal_fd(fd)                                                                               \
	({                                                                                         \
		int steal_fd_tmp_ = (fd);                                                          \
		(fd) = -1;                                                                         \
		steal_fd_tmp_;                                                                     \
	})

#endif
