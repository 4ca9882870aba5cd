/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_PUBLIC_OCI_H
#define ISOLA_PUBLIC_OCI_H

/* The OCI documents a runtime hands out, and the names its command line takes. */
#include <stdbool.h>

#include "isola/error.h"

/* `spec`: write the default config.json into bundle (never over an existing one). */
int isola_spec_write(const char *bundle, bool rootless, struct isola_error *err);
/* `features`: the features document (JSON, indented); malloc'd. warn gets what can't be probed. */
char *isola_features_json(isola_warn_fn warn, void *warn_data);
/* "KILL", "SIGKILL", "9" -> 9; -1 when unknown. */
int isola_signal_from_name(const char *name);

#endif
