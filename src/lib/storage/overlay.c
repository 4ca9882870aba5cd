/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "image/fsutil.h"
#include "storage/storage.h"

static bool overlay_supported(void)
{
	cleanup_free char *fs =
	    isola_read_small_file_at(AT_FDCWD, "/proc/filesystems", 1 << 16, NULL, NULL);
	return fs && strstr(fs, "\toverlay\n");
}

static int overlay_create(int cdirfd, char *const *layers, size_t n, struct isola_error *err)
{
	if (n == 0)
		return isola_err(err, ISOLA_ERR_INVALID, 0, "overlay: the image has no layers");
	if (mkdirat(cdirfd, "upper", 0755) < 0 || mkdirat(cdirfd, "work", 0700) < 0)
		return isola_err_sys(err, "overlay: create upper and work dirs");
	return 0;
}

/* The kernel explains a failed fsconfig in the fs context's log. */
static int fs_error(int fsfd, const char *what, struct isola_error *err)
{
	int saved = errno;
	char msg[512];
	ssize_t n = read(fsfd, msg, sizeof(msg) - 1);
	if (n > 2) {
		msg[n] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		return isola_err(err, ISOLA_ERR_SYSTEM, saved, "overlay: %s: %s", what, msg + 2);
	}
	return isola_err(err, ISOLA_ERR_SYSTEM, saved, "overlay: %s", what);
}

/*
 * fsconfig limits each string to 256 bytes, so the lower dirs go one by one
 * with "lowerdir+" (Linux 6.8); older kernels get the joined legacy option.
 */
static int mount_new_api(const char *cdir, char *const *layers, size_t n, const char *target,
			 bool scratch, struct isola_error *err)
{
	char upper[4096], work[4096];
	snprintf(upper, sizeof(upper), "%s/upper", cdir);
	snprintf(work, sizeof(work), "%s/work", cdir);
	cleanup_close int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return errno == ENOSYS ? 1 : isola_err_sys(err, "overlay: fsopen");
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "isola", 0) < 0)
		return fs_error(fsfd, "source", err);
	for (size_t i = n; i-- > 0;) {
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) < 0)
			return errno == EINVAL && i == n - 1 ? 1 : fs_error(fsfd, layers[i], err);
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return fs_error(fsfd, "upper/work dir", err);
	/* Unmounting a plain overlay syncs the whole upper filesystem (ovl_sync_fs):
	 * the store's disk, everybody's dirty data. Scratch data is owed no sync. */
	if (scratch && fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0)
		return fs_error(fsfd, "volatile", err);
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return fs_error(fsfd, "create", err);
	cleanup_close int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return fs_error(fsfd, "fsmount", err);
	if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return isola_err_sys(err, "overlay: mount on \"%s\"", target);
	return 0;
}

static int mount_legacy(const char *cdir, char *const *layers, size_t n, const char *target,
			bool scratch, struct isola_error *err)
{
	size_t len = 64 + 2 * strlen(cdir);
	for (size_t i = 0; i < n; i++)
		len += strlen(layers[i]) + 1;
	cleanup_free char *opts = malloc(len + 32);
	if (!opts)
		return isola_err_sys(err, "overlay");
	char *p = opts + sprintf(opts, "lowerdir=");
	for (size_t i = n; i-- > 0;)
		p += sprintf(p, "%s%s", layers[i], i ? ":" : "");
	sprintf(p, ",upperdir=%s/upper,workdir=%s/work%s", cdir, cdir, scratch ? ",volatile" : "");
	if (mount("isola", target, "overlay", 0, opts) < 0)
		return isola_err_sys(err, "overlay: mount on \"%s\"", target);
	return 0;
}

static int overlay_mount(int cdirfd, const char *cdir, char *const *layers, size_t n,
			 const char *target, bool scratch, struct isola_error *err)
{
	/*
	 * A volatile mount leaves work/work/incompat/volatile behind, and overlay
	 * refuses to mount over it again (after a crash the upper may be torn).
	 * Scratch data is disposable, and a restart on the same boot finds it
	 * whole in the page cache: clear the mark.
	 */
	if (scratch) {
		struct isola_error ignored;
		isola_rmtree_at(cdirfd, "work/work/incompat", &ignored);
	}
	int r = mount_new_api(cdir, layers, n, target, scratch, err);
	return r == 1 ? mount_legacy(cdir, layers, n, target, scratch, err) : r;
}

static int overlay_clone(int srcfd, int dstfd, struct isola_error *err)
{
	if (mkdirat(dstfd, "upper", 0755) < 0 || mkdirat(dstfd, "work", 0700) < 0)
		return isola_err_sys(err, "overlay: create upper and work dirs");
	cleanup_close int sfd = openat(srcfd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int dfd = openat(dstfd, "upper", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 || dfd < 0)
		return isola_err_sys(err, "overlay: open upper dir");
	return isola_copy_tree(sfd, dfd, ISOLA_COPY_EXACT, err);
}

const struct isola_storage_driver isola_storage_overlay = {
    .name = "overlay",
    .supported = overlay_supported,
    .create = overlay_create,
    .mount = overlay_mount,
    .clone = overlay_clone,
};
