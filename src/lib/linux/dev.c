/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/safepath.h"
#include "linux/dev.h"
#include "linux/mounts.h"

static const struct isola_device default_devices[] = {
    {.path = "/dev/null", .type = 'c', .major = 1, .minor = 3, .has_mode = true, .mode = 0666},
    {.path = "/dev/zero", .type = 'c', .major = 1, .minor = 5, .has_mode = true, .mode = 0666},
    {.path = "/dev/full", .type = 'c', .major = 1, .minor = 7, .has_mode = true, .mode = 0666},
    {.path = "/dev/random", .type = 'c', .major = 1, .minor = 8, .has_mode = true, .mode = 0666},
    {.path = "/dev/urandom", .type = 'c', .major = 1, .minor = 9, .has_mode = true, .mode = 0666},
    {.path = "/dev/tty", .type = 'c', .major = 5, .minor = 0, .has_mode = true, .mode = 0666},
};

static const char *const default_links[][2] = {
    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
    {"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
};

static mode_t type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* Bind the host's node of the same path: mknod is refused in a user namespace. */
static int bind_host_node(int dirfd, const char *base, const struct isola_device *d,
			  struct isola_error *err)
{
	cleanup_close int f =
	    openat(dirfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (f < 0)
		return isola_err_sys(err, "create \"%s\"", d->path);
	cleanup_close int dst = openat(dirfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int src = open(d->path, O_PATH | O_CLOEXEC);
	if (dst < 0 || src < 0)
		return isola_err_sys(err, "open \"%s\"", d->path);
	return isola_bind_fd(src, dst, false, 0, err);
}

/*
 * One node in the directory dfd (an O_PATH fd: *at calls take it as is).
 * mknod first: the fresh /dev tmpfs is empty, so the unlink is only needed
 * when something (an image's own node, a planted symlink) is already there.
 */
static int make_node(int dfd, const char *base, const struct isola_device *d, bool in_userns,
		     struct isola_error *err)
{
	if (in_userns) {
		if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
			return isola_err_sys(err, "remove \"%s\"", d->path);
		return bind_host_node(dfd, base, d, err);
	}
	mode_t mode = (d->has_mode ? d->mode & 07777 : 0666) | type_bits(d->type);
	dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
	if (mknodat(dfd, base, mode, dev) < 0) {
		if (errno != EEXIST)
			return isola_err_sys(err, "mknod \"%s\"", d->path);
		if (unlinkat(dfd, base, 0) < 0)
			return isola_err_sys(err, "remove \"%s\"", d->path);
		if (mknodat(dfd, base, mode, dev) < 0)
			return isola_err_sys(err, "mknod \"%s\"", d->path);
	}
	if ((d->has_uid || d->has_gid) &&
	    fchownat(dfd, base, d->has_uid ? d->uid : (uid_t)-1, d->has_gid ? d->gid : (gid_t)-1,
		     AT_SYMLINK_NOFOLLOW) < 0)
		return isola_err_sys(err, "chown \"%s\"", d->path);
	return 0;
}

static int make_device(int rootfd, const struct isola_device *d, bool in_userns,
		       struct isola_error *err)
{
	const char *slash = strrchr(d->path, '/');
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - d->path), d->path);
	cleanup_close int dirfd = isola_mkdir_in_root(rootfd, dir[0] ? dir : "/", 0755, err);
	if (dirfd < 0)
		return -1;
	return make_node(dirfd, slash + 1, d, in_userns, err);
}

static const struct isola_mount *dev_mount(const struct isola_config *c)
{
	for (size_t i = 0; i < c->n_mounts; i++)
		if (strcmp(c->mounts[i].destination, "/dev") == 0)
			return &c->mounts[i];
	return NULL;
}

static bool dev_is_bind(const struct isola_config *c)
{
	const struct isola_mount *m = dev_mount(c);
	return m && m->bind;
}

bool isola_dev_is_ro(const struct isola_config *c)
{
	const struct isola_mount *m = dev_mount(c);
	return m && !m->bind && (m->flags & MS_RDONLY);
}

int isola_dev_seal(int rootfd, const struct isola_config *c, struct isola_error *err)
{
	if (!isola_dev_is_ro(c))
		return 0;
	cleanup_close int fd =
	    isola_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0, err);
	if (fd < 0 || isola_mount_set_ro(fd, err) < 0)
		return isola_err_prefix(err, "make /dev read-only");
	return 0;
}

/* The console is bound on /dev/console after /dev turned read-only: its mount point must exist. */
static int make_console_point(int rootfd, const struct isola_config *c, struct isola_error *err)
{
	if (!c->process.terminal || !isola_dev_is_ro(c))
		return 0;
	int fd = isola_mkfile_in_root(rootfd, "/dev/console", 0600, err);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int make_links(int dev, struct isola_error *err)
{
	for (size_t i = 0; i < sizeof(default_links) / sizeof(default_links[0]); i++) {
		if (symlinkat(default_links[i][0], dev, default_links[i][1]) < 0 && errno != EEXIST)
			return isola_err_sys(err, "symlink /dev/%s", default_links[i][1]);
	}
	return 0;
}

/* The default nodes all live in /dev: resolve it once for all of them. */
static int make_defaults(int rootfd, bool in_userns, struct isola_error *err)
{
	cleanup_close int dev = isola_mkdir_in_root(rootfd, "/dev", 0755, err);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof(default_devices) / sizeof(default_devices[0]); i++) {
		const struct isola_device *d = &default_devices[i];
		if (make_node(dev, d->path + strlen("/dev/"), d, in_userns, err) < 0)
			return -1;
	}
	return make_links(dev, err);
}

int isola_dev_setup(int rootfd, const struct isola_config *c, bool in_userns,
		    struct isola_error *err)
{
	if (!dev_is_bind(c) && make_defaults(rootfd, in_userns, err) < 0)
		return -1;
	if (make_console_point(rootfd, c, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_devices; i++)
		if (make_device(rootfd, &c->devices[i], in_userns, err) < 0)
			return isola_err_prefix(err, "linux.devices[%zu]", i);
	return 0;
}
