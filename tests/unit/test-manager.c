/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manager's parsers and pure logic: signals, sizes, names, the log writer. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manager/manager.h"
#include "monitor/monitor.h"
#include "tap.h"

TEST(signal_names_numbers_and_rt)
{
	CHECK(isola_signal_parse("TERM") == SIGTERM);
	CHECK(isola_signal_parse("SIGKILL") == SIGKILL);
	CHECK(isola_signal_parse("sigusr1") == SIGUSR1);
	CHECK(isola_signal_parse("9") == 9);
	CHECK(isola_signal_parse("RTMIN") == SIGRTMIN);
	CHECK(isola_signal_parse("RTMIN+3") == SIGRTMIN + 3);
	CHECK(isola_signal_parse("SIGRTMAX-1") == SIGRTMAX - 1);
	CHECK(isola_signal_parse("") < 0);
	CHECK(isola_signal_parse("NOSUCH") < 0);
	CHECK(isola_signal_parse("0") < 0);
	CHECK(isola_signal_parse("65") < 0);
	CHECK(isola_signal_parse("9x") < 0);
	CHECK(isola_signal_parse("RTMIN+99") < 0);
}

TEST(byte_sizes_like_docker)
{
	CHECK(isola_parse_bytes("512") == 512);
	CHECK(isola_parse_bytes("1k") == 1024);
	CHECK(isola_parse_bytes("64m") == 64 << 20);
	CHECK(isola_parse_bytes("64MB") == 64 << 20);
	CHECK(isola_parse_bytes("1.5g") == 3LL << 29);
	CHECK(isola_parse_bytes("2b") == 2);
	CHECK(isola_parse_bytes("12x") < 0);
	CHECK(isola_parse_bytes("m") < 0);
	CHECK(isola_parse_bytes("-1") < 0);
	CHECK(isola_parse_bytes("1mm") < 0);
	CHECK(isola_parse_bytes("99999999999t") < 0);
}

TEST(container_names)
{
	struct isola_error err = {0};
	CHECK(isola_ctr_name_check("web", &err) == 0);
	CHECK(isola_ctr_name_check("a_b.c-1", &err) == 0);
	CHECK(isola_ctr_name_check("_x", &err) < 0);
	CHECK(isola_ctr_name_check("a/b", &err) < 0);
	CHECK(isola_ctr_name_check("", &err) < 0);
	CHECK(isola_ctr_name_check("..", &err) < 0);
	CHECK_CONTAINS(err.msg, "invalid container name");
	char name[64];
	for (int i = 0; i < 50; i++) {
		isola_ctr_random_name(name, sizeof(name));
		CHECK(isola_ctr_name_check(name, NULL) == 0);
		CHECK(strchr(name, '_') != NULL);
	}
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

TEST(log_lines_streams_and_partial_lines)
{
	char dir[] = "/tmp/isola-unit-log.XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/c.log", dir);
	struct isola_log l;
	struct isola_error err = {0};
	CHECK(isola_log_open(&l, path, 0, 1, &err) == 0);
	isola_log_write(&l, 1, "hel", 3);
	isola_log_write(&l, 2, "oops\n", 5);
	isola_log_write(&l, 1, "lo\n\"quoted\"\nrest", 16);
	isola_log_close(&l);
	char *text = slurp(path);
	CHECK_CONTAINS(text, "{\"log\":\"oops\\n\",\"stream\":\"stderr\"");
	CHECK_CONTAINS(text, "{\"log\":\"hello\\n\",\"stream\":\"stdout\"");
	CHECK_CONTAINS(text, "{\"log\":\"\\\"quoted\\\"\\n\",\"stream\":\"stdout\"");
	CHECK_CONTAINS(text, "{\"log\":\"rest\",\"stream\":\"stdout\""); /* flushed at close */
	unlink(path);
	rmdir(dir);
}

TEST(log_rotation_keeps_max_file)
{
	char dir[] = "/tmp/isola-unit-log.XXXXXX", path[64], p1[80], p2[80], p3[80];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/c.log", dir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p2, sizeof(p2), "%s.2", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	struct isola_log l;
	struct isola_error err = {0};
	CHECK(isola_log_open(&l, path, 1000, 3, &err) == 0);
	for (int i = 0; i < 200; i++)
		isola_log_write(&l, 1, "0123456789012345678901234567890123456789\n", 41);
	isola_log_close(&l);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size <= 1000);
	CHECK(stat(p1, &st) == 0 && st.st_size <= 1000 && st.st_size > 900);
	CHECK(stat(p2, &st) == 0);
	CHECK(stat(p3, &st) < 0);
	unlink(path);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
}

int main(void)
{
	return tap_run();
}
