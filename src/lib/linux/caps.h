/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_CAPS_H
#define ISOLA_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "isola/error.h"
#include "spec/config.h"

/*
 * Capabilities are applied in two steps around the uid/gid switch:
 *   isola_caps_prepare()   before setresuid: keep caps across the uid change
 *                          (PR_SET_KEEPCAPS, only when the switch leaves uid 0: the
 *                          kernel clears caps only then) and drop the bounding set
 *                          to caps->bounding
 *   isola_caps_apply()     after setresuid: capset effective/permitted/inheritable,
 *                          then raise the ambient set (only caps also in permitted
 *                          and inheritable, as the kernel requires)
 * Raw syscalls (capset, prctl), no libcap: nothing to load at start-up.
 */
int isola_caps_prepare(const struct isola_caps *caps, bool leaving_root, struct isola_error *err);
int isola_caps_apply(const struct isola_caps *caps, bool leaving_root, struct isola_error *err);

/*
 * The kernel's highest capability: /proc/sys/kernel/cap_last_cap, read once
 * and cached (probed with PR_CAPBSET_READ when /proc is unreadable). Call it
 * once in the parent so the container init, whose /proc may be gone or
 * the container's, only uses the cached value: a file the container mounted
 * over cap_last_cap would otherwise leave caps in the bounding set.
 */
int isola_caps_last_cap(void);

/* Pure helpers (unit-tested): a set limited to caps 0..last_cap, capset(2) v3 words. */
uint64_t isola_caps_mask(uint64_t set, int last_cap);
void isola_caps_to_words(uint64_t set, uint32_t words[2]);

#endif
