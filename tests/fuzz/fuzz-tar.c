/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the layer unpacker: the bytes are a (maybe
 * compressed) tar unpacked into a fresh directory under a sandbox dir, which
 * is removed afterwards. A canary file beside the layer directory must
 * survive every input: nothing may write outside the layer.
 *
 * Built with -DISOLA_FUZZ_STANDALONE, main() replays the files it is given.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/fsutil.h"
#include "image/unpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sandbox[] = "/tmp/isola-fuzz-tar.XXXXXX";
static int sandboxfd = -1;

static void setup_once(void)
{
	if (sandboxfd >= 0)
		return;
	if (!mkdtemp(sandbox))
		abort();
	sandboxfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = openat(sandboxfd, "canary", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (sandboxfd < 0 || fd < 0 || write(fd, "c", 1) != 1)
		abort();
	close(fd);
}

static void check_sandbox(void)
{
	struct stat st;
	/* only the canary and the layer dir may exist next to each other */
	DIR *d = fdopendir(dup(sandboxfd));
	struct dirent *de;
	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "canary") && strcmp(de->d_name, "layer"))
			abort();
	}
	closedir(d);
	if (fstatat(sandboxfd, "canary", &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_size != 1 ||
	    !S_ISREG(st.st_mode))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isola_error err = {0};
	struct isola_unpack_result res;
	setup_once();
	int in = memfd_create("layer", MFD_CLOEXEC);
	if (in < 0 || write(in, data, size) != (ssize_t)size || lseek(in, 0, SEEK_SET) < 0)
		abort();
	if (mkdirat(sandboxfd, "layer", 0755) < 0)
		abort();
	int dfd = openat(sandboxfd, "layer", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		abort();
	if (isola_unpack(in, dfd, NULL, NULL, &res, &err) < 0 && err.msg[0] == '\0')
		abort();
	close(dfd);
	close(in);
	check_sandbox();
	if (isola_rmtree_at(sandboxfd, "layer", &err) < 0)
		abort();
	return 0;
}

#include "standalone.h"
