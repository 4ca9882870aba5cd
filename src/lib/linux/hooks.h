/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_HOOKS_H
#define ISOLA_HOOKS_H

#include "isola/error.h"
#include "spec/config.h"

/*
 * Run every hook of a list in order, each with the container state JSON on
 * its stdin, in the caller's namespaces. A hook that exits non-zero, is
 * killed, or outlives its timeout (then SIGKILLed) fails the list.
 */
int isola_hooks_run(const struct isola_hook_list *list, const char *kind, const char *state_json,
		    struct isola_error *err);

#endif
