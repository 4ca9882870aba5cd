/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_HOOKS_H
#define ISOLA_HOOKS_H

#include "isola/error.h"
#include "spec/config.h"

/* How the hooks of one list run. */
struct isola_hook_run {
	const char *kind;  /* "prestart", ...: names the hook in messages */
	const char *state; /* the container state JSON, given on each hook's stdin */
	const char *cwd;   /* working directory; NULL: the caller's */
	char **env;	   /* environment of a hook without env; NULL: the caller's */
};

/*
 * Run every hook of a list in order, in the caller's namespaces. A hook that
 * exits non-zero, is killed, or outlives its timeout (then SIGKILLed) fails
 * the list: the hooks after it don't run.
 */
int isola_hooks_run_how(const struct isola_hook_list *list, const struct isola_hook_run *how,
			struct isola_error *err);
/* The same with the caller's working directory and environment. */
int isola_hooks_run(const struct isola_hook_list *list, const char *kind, const char *state_json,
		    struct isola_error *err);
/*
 * Run every hook of a list; a failing one is only a warning (through warn,
 * which may be NULL) and the next ones still run: the spec's poststop rule.
 */
void isola_hooks_run_warn(const struct isola_hook_list *list, const struct isola_hook_run *how,
			  isola_warn_fn warn, void *warn_data);

#endif
