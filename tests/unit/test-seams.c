/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The seams of issue 18: one safe-open layer, one rm -rf, settings passed in
 * instead of environment knobs, storage answering the image store's prune.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "core/mountapi.h"
#include "core/safepath.h"
#include "core/util.h"
#include "image/store.h"
#include "isola/settings.h"
#include "storage/storage.h"
#include "tap.h"

static int put(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int r = isola_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

TEST(openat2_beneath_refuses_dotdot_and_is_cloexec)
{
	char dir[] = "/tmp/isola-seams.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	int root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(mkdirat(root, "a", 0700) == 0);
	CHECK(symlinkat("/etc", root, "a/out") == 0);
	errno = 0;
	CHECK(isola_openat2(root, "a/../..", O_PATH, 0, RESOLVE_BENEATH) < 0 && errno == EXDEV);
	/* IN_ROOT: the absolute link resolves inside, where there is no etc */
	errno = 0;
	CHECK(isola_openat2(root, "a/out/passwd", O_RDONLY, 0, RESOLVE_IN_ROOT) < 0 &&
	      errno == ENOENT);
	errno = 0;
	CHECK(isola_openat2(root, "a/out", O_PATH, 0, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH) < 0 &&
	      errno == ELOOP);
	int fd = isola_openat2(root, "a", O_PATH | O_DIRECTORY, 0, RESOLVE_BENEATH);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	struct isola_error err = {0};
	CHECK(isola_rmtree_at(AT_FDCWD, dir, &err) == 0);
	CHECK(access(dir, F_OK) < 0 && errno == ENOENT);
	close(root);
}

TEST(settings_are_passed_in_not_read_from_env)
{
	struct isola_error err = {0};
	struct isola_cgroup *cg = NULL;
	struct isola_cgroup_opts o = {.id = "isola-seams-test"};
	setenv("ISOLA_CGROUP_ROOT", "/sys/fs/cgroup", 1);
	isola_cgroup_set_root("/nonexistent-isola-cgroup-root");
	CHECK(isola_cgroup_create(&o, &cg, &err) < 0);
	CHECK_CONTAINS(err.msg, "/nonexistent-isola-cgroup-root");
	isola_cgroup_set_root(NULL);
	unsetenv("ISOLA_CGROUP_ROOT");
	isola_mount_set_compat(true);
	CHECK(isola_mount_compat());
}

struct seen {
	char image[128], layer[128];
	size_t n, calls;
};

static void saw(const char *image, char *const *layers, size_t n, void *data)
{
	struct seen *s = data;
	snprintf(s->image, sizeof(s->image), "%s", image ? image : "");
	snprintf(s->layer, sizeof(s->layer), "%s", n ? layers[n - 1] : "");
	s->n = n;
	s->calls++;
}

#define IMG                                                                                        \
	"sha256:"                                                                                  \
	"1111111111111111111111111111111111111111111111111111111111111111"
#define LAYER                                                                                      \
	"sha256:"                                                                                  \
	"2222222222222222222222222222222222222222222222222222222222222222"

TEST(storage_tells_the_store_what_roots_hold)
{
	char dir[] = "/tmp/isola-seams.XXXXXX";
	struct isola_error err = {0};
	CHECK(mkdtemp(dir) != NULL);
	struct isola_store *s = isola_store_open(dir, ISOLA_STORE_EXCLUSIVE, &err);
	CHECK(s != NULL);
	if (!s)
		return;
	mkdirat(s->rootfd, "containers", 0700); /* the store may make it */
	CHECK(mkdirat(s->rootfd, "containers/c1", 0700) == 0);
	CHECK(mkdirat(s->rootfd, "containers/dead", 0700) == 0);
	CHECK(put(s->rootfd, "containers/c1/rootfs.json",
		  "{\"driver\":\"dir\",\"image\":\"" IMG "\",\"layers\":[\"" LAYER "\"]}") == 0);
	struct isola_prune_result res;
	CHECK(isola_store_prune(s, true, &res, &err) < 0); /* nobody to ask */
	CHECK(isola_image_in_use(s, IMG));

	struct seen seen = {0};
	isola_storage_layers_in_use(s, saw, &seen);
	CHECK(seen.calls == 1 && seen.n == 1);
	CHECK_STR(seen.image, IMG);
	CHECK_STR(seen.layer, LAYER);

	isola_storage_attach(s);
	CHECK(isola_image_in_use(s, IMG));
	CHECK(!isola_image_in_use(s, LAYER));
	CHECK(isola_store_prune(s, true, &res, &err) == 0);
	CHECK(res.tmp == 1); /* the dead create's root */
	CHECK(faccessat(s->rootfd, "containers/c1/rootfs.json", F_OK, 0) == 0);
	CHECK(faccessat(s->rootfd, "containers/dead", F_OK, 0) < 0);
	isola_store_close(s);
	CHECK(isola_rmtree_at(AT_FDCWD, dir, &err) == 0);
}

int main(void)
{
	return tap_run();
}
