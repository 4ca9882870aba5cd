/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_IMAGE_REGISTRY_H
#define ISOLA_IMAGE_REGISTRY_H

/*
 * OCI distribution / Docker registry v2 client (libcurl): manifests and
 * indexes, blobs with digest checks, Bearer token and Basic auth, retries
 * with resume, parallel layer downloads, push, login.
 */
#include <stdbool.h>

#include "image/store.h"

struct isola_registry_opts {
	bool tls_verify;      /* false: accept any certificate, fall back to plain http */
	const char *ca_file;  /* PEM CA bundle; NULL: the system's */
	const char *authfile; /* docker-style auth.json; NULL: none */
	const char *username; /* overrides the auth file when set */
	const char *password;
	const char *os, *arch, *variant; /* platform to pick from an index; NULL: host */
	int jobs;			 /* parallel layer downloads (default 3) */
	int retries;			 /* per request (default 3) */
};

int isola_pull(struct isola_store *s, const char *ref, const struct isola_registry_opts *o,
	       const struct isola_progress_sink *progress, char id_out[ISOLA_DIGEST_MAX],
	       struct isola_error *err);
/* Push local image src to dest ("host/repo:tag"); dest NULL: src's own name. */
int isola_push(struct isola_store *s, const char *src, const char *dest,
	       const struct isola_registry_opts *o, const struct isola_progress_sink *progress,
	       struct isola_error *err);
/* Check the credentials against the registry, then store them (mode 0600). */
int isola_login(const char *registry, const char *user, const char *password,
		const struct isola_registry_opts *o, struct isola_error *err);
int isola_logout(const char *registry, const char *authfile, struct isola_error *err);

#endif
