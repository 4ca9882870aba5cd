/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ISOLA_NFT_INT_H
#define ISOLA_NFT_INT_H

/* Shared by nft.c and nft-ports.c only. */

#include <json-c/json.h>
#include <nftables/libnftables.h>
#include <stdio.h>

#include "net/net.h"

/* Table, maps and base chains, idempotent (see nft.c for the design). */
extern const char isola_nft_preamble[];

/* A context whose output and errors go to buffers. */
struct nft_ctx *isola_nft_ctx(struct isola_error *err);
/* Run ruleset text as one transaction (all or nothing); nft's own message
 * becomes the error. */
int isola_nft_run(struct nft_ctx *ctx, const char *cmd, struct isola_error *err);
/* The table as nft's JSON array ("nftables"), or *out NULL when there is no
 * table. *out is owned by the caller (json_object_put). */
int isola_nft_list(struct nft_ctx *ctx, struct json_object **out, struct isola_error *err);

/* open_memstream that reports failure as an isola_error. */
FILE *isola_nft_text(char **buf, size_t *len, struct isola_error *err);
/* Close it; -1 when writing failed (out of memory). */
int isola_nft_text_end(FILE *f, struct isola_error *err);

#endif
