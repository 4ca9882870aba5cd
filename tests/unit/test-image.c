/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the image library's pure parts: references, digests, manifests, paths. */
#include <stdlib.h>
#include <string.h>

#include "image/digest.h"
#include "image/manifest.h"
#include "image/reference.h"
#include "image/unpack.h"
#include "tap.h"

static char *ref_str(const char *in)
{
	struct isola_ref r;
	struct isola_error err;
	if (isola_ref_parse(in, &r, &err) < 0)
		return strdup(err.msg);
	char *s = isola_ref_string(&r);
	isola_ref_release(&r);
	return s;
}

#define CHECK_REF(in, want)                                                                        \
	do {                                                                                       \
		char *got_ = ref_str(in);                                                          \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

TEST(reference_normalises_like_docker)
{
	CHECK_REF("busybox", "docker.io/library/busybox:latest");
	CHECK_REF("busybox:1.36", "docker.io/library/busybox:1.36");
	CHECK_REF("user/app", "docker.io/user/app:latest");
	CHECK_REF("localhost/app:v1", "localhost/app:v1");
	CHECK_REF("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000/a/b/c:t");
	CHECK_REF("quay.io/x/y", "quay.io/x/y:latest");
	CHECK_REF("busybox@sha256:"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "docker.io/library/busybox@sha256:"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

TEST(reference_rejects_garbage)
{
	const char *bad[] = {"",      "UPPER", "a b",	     "busybox:",  "busybox@sha256:12",
			     "a//b",  "-lead", "host:5000/", "x:bad tag", "busybox:.dot",
			     "a/b/:c"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isola_ref r;
		struct isola_error err;
		int rc = isola_ref_parse(bad[i], &r, &err);
		if (rc == 0) {
			printf("# accepted \"%s\"\n", bad[i]);
			isola_ref_release(&r);
		}
		CHECK(rc < 0);
		if (rc < 0)
			CHECK_CONTAINS(err.msg, "invalid reference");
	}
}

TEST(digest_validity_and_hashing)
{
	char d[ISOLA_DIGEST_MAX];
	struct isola_error err;
	CHECK(isola_digest_buf("", 0, d, &err) == 0);
	CHECK_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(isola_digest_valid(d));
	CHECK(!isola_digest_valid(
	    "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
	CHECK(!isola_digest_valid("sha512:e3b0"));
	CHECK(!isola_digest_valid("sha256:../../etc/passwd"));
	CHECK_STR(isola_digest_hex(d), d + 7);
}

TEST(chain_ids_follow_the_spec)
{
	char *diffs[] = {"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			 "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"};
	char chains[2][ISOLA_DIGEST_MAX], want[ISOLA_DIGEST_MAX], buf[200];
	struct isola_error err;
	CHECK(isola_chain_ids(diffs, 2, chains, &err) == 0);
	CHECK_STR(chains[0], diffs[0]);
	int n = snprintf(buf, sizeof(buf), "%s %s", diffs[0], diffs[1]);
	isola_digest_buf(buf, (size_t)n, want, &err);
	CHECK_STR(chains[1], want);
}

static const char manifest_json[] =
    "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
    "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
    "\"sha256:1111111111111111111111111111111111111111111111111111111111111111\",\"size\":7},"
    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":"
    "\"sha256:2222222222222222222222222222222222222222222222222222222222222222\",\"size\":9}]}";

TEST(manifest_parses_oci_image)
{
	struct isola_manifest m;
	struct isola_error err;
	CHECK(isola_manifest_parse(manifest_json, strlen(manifest_json), NULL, &m, &err) == 0);
	CHECK(m.kind == ISOLA_MANIFEST_IMAGE);
	CHECK(m.n_layers == 1);
	CHECK(m.layers[0].size == 9);
	CHECK_STR(m.config.digest,
		  "sha256:1111111111111111111111111111111111111111111111111111111111111111");
	isola_manifest_release(&m);
}

TEST(manifest_index_selects_platform)
{
	const char *idx =
	    "{\"schemaVersion\":2,\"manifests\":["
	    "{\"digest\":\"sha256:"
	    "3333333333333333333333333333333333333333333333333333333333333333\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
	    "{\"digest\":\"sha256:"
	    "4444444444444444444444444444444444444444444444444444444444444444\","
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
	struct isola_manifest m;
	struct isola_error err;
	CHECK(isola_manifest_parse(idx, strlen(idx), NULL, &m, &err) == 0);
	CHECK(m.kind == ISOLA_MANIFEST_INDEX);
	const struct isola_descriptor *d = isola_manifest_select(&m, "linux", "amd64", NULL, &err);
	CHECK(d && d->digest[7] == '4');
	d = isola_manifest_select(&m, "linux", "arm64", "v8", &err);
	CHECK(d && d->digest[7] == '3');
	CHECK(isola_manifest_select(&m, "linux", "s390x", NULL, &err) == NULL);
	CHECK_CONTAINS(err.msg, "no image for platform linux/s390x");
	isola_manifest_release(&m);
}

TEST(manifest_rejects_bad_input)
{
	const char *bad[] = {
	    "",
	    "[]",
	    "{\"schemaVersion\":1,\"fsLayers\":[]}",
	    "{\"layers\":5}",
	    "{\"config\":{\"digest\":\"sha256:zz\"},\"layers\":[]}",
	    "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
	    "{\"manifests\":[{\"digest\":\"md5:1\"}]}",
	    "{\"layers\":[]} trailing",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isola_manifest m;
		struct isola_error err = {0};
		CHECK(isola_manifest_parse(bad[i], strlen(bad[i]), NULL, &m, &err) < 0);
		CHECK(err.msg[0] != '\0');
	}
}

TEST(config_needs_diff_ids)
{
	const char *ok =
	    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
	    "\"diff_ids\":[\"sha256:"
	    "5555555555555555555555555555555555555555555555555555555555555555\"]}}";
	struct isola_image_config c;
	struct isola_error err;
	CHECK(isola_image_config_parse(ok, strlen(ok), &c, &err) == 0);
	CHECK(c.n_diff_ids == 1);
	CHECK_STR(c.arch, "amd64");
	isola_image_config_release(&c);
	CHECK(isola_image_config_parse("{}", 2, &c, &err) < 0);
	CHECK_CONTAINS(err.msg, "diff_ids");
}

TEST(unpack_clean_path)
{
	char out[256];
	struct isola_error err;
	CHECK(isola_unpack_clean_path("./a//b/./c", out, sizeof(out), &err) == 0);
	CHECK_STR(out, "a/b/c");
	CHECK(isola_unpack_clean_path("/etc/passwd", out, sizeof(out), &err) == 0);
	CHECK_STR(out, "etc/passwd");
	CHECK(isola_unpack_clean_path("./", out, sizeof(out), &err) == 0);
	CHECK_STR(out, "");
	CHECK(isola_unpack_clean_path("a/../../b", out, sizeof(out), &err) < 0);
	CHECK_CONTAINS(err.msg, "unsafe path");
	CHECK(isola_unpack_clean_path("..", out, sizeof(out), &err) < 0);
	CHECK(isola_unpack_clean_path("a/..b/c..", out, sizeof(out), &err) == 0);
	CHECK_STR(out, "a/..b/c..");
}

int main(void)
{
	return tap_run();
}
