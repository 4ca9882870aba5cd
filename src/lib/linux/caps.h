/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CAPS_H
#define ISOLA_CAPS_H

#include "isola/error.h"
#include "spec/config.h"

/*
 * Capabilities are applied in two steps around the uid/gid switch:
 *   isola_caps_prepare()   before setresuid: keep caps across the uid change
 *                          (PR_SET_KEEPCAPS) and drop the bounding set to caps->bounding
 *   isola_caps_apply()     after setresuid: capset effective/permitted/inheritable,
 *                          then raise the ambient set (only caps also in permitted
 *                          and inheritable, as the kernel requires)
 * Raw syscalls (capset, prctl), no libcap: nothing to load at start-up.
 */
int isola_caps_prepare(const struct isola_caps *caps, struct isola_error *err);
int isola_caps_apply(const struct isola_caps *caps, struct isola_error *err);

#endif
