/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "image/store.h"

void isola_layer_name(const char *chain_id, char *buf, size_t size)
{
	snprintf(buf, size, "layers/%s", isola_digest_hex(chain_id));
}

bool isola_layer_exists(struct isola_store *s, const char *chain_id)
{
	char name[128];
	struct stat st;
	if (!isola_digest_valid(chain_id))
		return false;
	isola_layer_name(chain_id, name, sizeof(name));
	strcat(name, "/diff");
	return fstatat(s->rootfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

char *isola_layer_diff_path(struct isola_store *s, const char *chain_id)
{
	char *out = NULL;
	if (asprintf(&out, "%s/layers/%s/diff", s->root, isola_digest_hex(chain_id)) < 0)
		return NULL;
	return out;
}

int64_t isola_layer_size(struct isola_store *s, const char *chain_id)
{
	char name[160];
	struct json_object *root, *v;
	int64_t size = 0;
	isola_layer_name(chain_id, name, sizeof(name));
	strcat(name, "/info.json");
	cleanup_free char *buf = isola_read_small_file_at(s->rootfd, name, 1 << 16, NULL, NULL);
	if (!buf || !(root = json_tokener_parse(buf)))
		return 0;
	if (json_object_object_get_ex(root, "size", &v))
		size = json_object_get_int64(v);
	json_object_put(root);
	return size;
}
