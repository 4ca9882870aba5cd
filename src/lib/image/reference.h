/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_REFERENCE_H
#define ISOLA_IMAGE_REFERENCE_H

/*
 * Image references, normalised the way docker does: "busybox" is
 * "docker.io/library/busybox:latest"; a first component with '.' or ':' or
 * "localhost" is a registry host ("127.0.0.1:5000/busybox:1").
 */
#include "isola/error.h"

struct isola_ref {
	char *domain; /* "docker.io", "127.0.0.1:5000" */
	char *path;   /* "library/busybox" */
	char *tag;    /* "latest" unless a digest was given without a tag; may be NULL */
	char *digest; /* "sha256:..." or NULL */
};

int isola_ref_parse(const char *s, struct isola_ref *ref, struct isola_error *err);
void isola_ref_release(struct isola_ref *ref);
/* "domain/path:tag" (or "domain/path@digest" without a tag); malloc'd. */
char *isola_ref_string(const struct isola_ref *ref);
/* "domain/path"; malloc'd. */
char *isola_ref_repo(const struct isola_ref *ref);
/* The registry's API host: docker.io is served by registry-1.docker.io. */
const char *isola_ref_api_host(const struct isola_ref *ref);

#endif
