/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the cgroup manager's pure parts: parser, conversions, state. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "cgroup/resources.h"
#include "tap.h"

static struct isola_resources *parse(const char *text, struct isola_error *err)
{
	struct json_object *o = json_tokener_parse(text);
	struct isola_resources *r = isola_resources_parse(o, "linux.resources", err);
	json_object_put(o);
	return r;
}

static const char *parse_err(const char *text)
{
	static struct isola_error err;
	memset(&err, 0, sizeof(err));
	struct isola_resources *r = parse(text, &err);
	isola_resources_free(r);
	return r ? "(parsed)" : err.msg;
}

TEST(parses_every_section)
{
	struct isola_error err = {0};
	struct isola_resources *r = parse(
	    "{\"memory\":{\"limit\":1048576,\"reservation\":524288,\"swap\":2097152,"
	    "\"kernel\":-1,\"kernelTCP\":1024,\"swappiness\":10,\"disableOOMKiller\":true,"
	    "\"useHierarchy\":true,\"checkBeforeUpdate\":false},"
	    "\"cpu\":{\"shares\":512,\"quota\":50000,\"burst\":1000,\"period\":100000,"
	    "\"realtimeRuntime\":0,\"realtimePeriod\":0,\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":1}"
	    ","
	    "\"pids\":{\"limit\":32},"
	    "\"blockIO\":{\"weight\":500,\"leafWeight\":300,"
	    "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":600,\"leafWeight\":100}],"
	    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1000}],"
	    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":50}]},"
	    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200}],"
	    "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5}]},"
	    "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}},"
	    "\"unified\":{\"memory.high\":\"1G\"},"
	    "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
	    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"}]}",
	    &err);
	CHECK(r != NULL);
	if (!r) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(r->memory.limit.set && r->memory.limit.v == 1048576);
	CHECK(r->memory.kernel.v == -1);
	CHECK(r->memory.disable_oom_killer.set && r->memory.disable_oom_killer.v == 1);
	CHECK(!r->memory.check_before_update.v && r->memory.check_before_update.set);
	CHECK(r->cpu.shares.v == 512 && r->cpu.quota.v == 50000 && r->cpu.idle.v == 1);
	CHECK_STR(r->cpu.cpus, "0-1");
	CHECK(r->pids_limit.set && r->pids_limit.v == 32);
	CHECK(r->blkio.weight.v == 500 && r->blkio.n_weight_devs == 1);
	CHECK(r->blkio.weight_devs[0].leaf_weight.v == 100);
	CHECK(r->blkio.n_throttle[ISOLA_THR_READ_BPS] == 1);
	CHECK(r->blkio.throttle[ISOLA_THR_WRITE_IOPS][0].minor == 16);
	CHECK(r->n_hugepages == 1 && r->hugepages[0].limit == 209715200);
	CHECK(r->class_id.v == 1048577 && r->n_priorities == 1);
	CHECK(r->n_rdma == 1 && r->rdma[0].hca_objects.v == 10000);
	CHECK(r->n_unified == 1);
	CHECK_STR(r->unified[0].value, "1G");
	CHECK(r->n_devices == 2 && r->devices[0].type == 'a' && r->devices[0].major == -1);
	CHECK(r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].minor == 3);
	CHECK(isola_resources_any(r));
	isola_resources_free(r);
}

TEST(unset_fields_stay_unset)
{
	struct isola_error err = {0};
	struct isola_resources *r = parse("{\"memory\":{\"limit\":100}}", &err);
	CHECK(r && !r->memory.swap.set && !r->has_cpu && !r->pids_limit.set);
	isola_resources_free(r);
	r = parse("{}", &err);
	CHECK(r && !isola_resources_any(r));
	isola_resources_free(r);
}

TEST(errors_name_the_field)
{
	CHECK_CONTAINS(parse_err("{\"memory\":{\"limit\":\"1G\"}}"),
		       "linux.resources.memory.limit: expected an integer");
	CHECK_CONTAINS(parse_err("{\"memory\":{\"swappiness\":101}}"),
		       "linux.resources.memory.swappiness: 101 out of range");
	CHECK_CONTAINS(parse_err("{\"cpu\":{\"shares\":-1}}"), "linux.resources.cpu.shares");
	CHECK_CONTAINS(parse_err("{\"cpu\":{\"cpus\":3}}"),
		       "linux.resources.cpu.cpus: expected a string");
	CHECK_CONTAINS(parse_err("{\"blockIO\":{\"weightDevice\":[{\"major\":8}]}}"),
		       "linux.resources.blockIO.weightDevice[0].minor: missing");
	CHECK_CONTAINS(parse_err("{\"blockIO\":{\"throttleReadBpsDevice\":[{\"major\":8,"
				 "\"minor\":0}]}}"),
		       "throttleReadBpsDevice[0].rate: missing");
	CHECK_CONTAINS(parse_err("{\"hugepageLimits\":[{\"pageSize\":\"../x\",\"limit\":1}]}"),
		       "hugepageLimits[0].pageSize: invalid size");
	CHECK_CONTAINS(parse_err("{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}"),
		       "linux.resources.devices[0].type");
	CHECK_CONTAINS(parse_err("{\"devices\":[{\"type\":\"c\"}]}"),
		       "linux.resources.devices[0].allow: expected a boolean");
	CHECK_CONTAINS(parse_err("{\"devices\":[{\"allow\":true,\"access\":\"rx\"}]}"),
		       "devices[0].access");
	CHECK_CONTAINS(parse_err("{\"unified\":{\"../memory.max\":\"1\"}}"),
		       "linux.resources.unified: invalid key");
	CHECK_CONTAINS(parse_err("{\"unified\":{\"memory.max\":1}}"),
		       "linux.resources.unified.memory.max: expected a string");
	CHECK_CONTAINS(parse_err("{\"pids\":{\"limit\":true}}"), "linux.resources.pids.limit");
	CHECK_CONTAINS(parse_err("{\"network\":{\"classID\":-1}}"), "network.classID");
	CHECK_CONTAINS(parse_err("{\"rdma\":{\"mlx\":{\"hcaHandles\":\"x\"}}}"),
		       "linux.resources.rdma.mlx.hcaHandles");
	CHECK_CONTAINS(parse_err("[]"), "linux.resources: expected an object");
}

TEST(shares_to_weight_matches_runc_and_crun)
{
	CHECK(isola_cpu_shares_to_weight(0) == 0);
	CHECK(isola_cpu_shares_to_weight(2) == 1);
	CHECK(isola_cpu_shares_to_weight(1024) == 100);
	CHECK(isola_cpu_shares_to_weight(262144) == 10000);
	CHECK(isola_cpu_shares_to_weight(1000000) == 10000);
	uint64_t w512 = isola_cpu_shares_to_weight(512), w2048 = isola_cpu_shares_to_weight(2048);
	CHECK(w512 < 100 && w512 > 1 && w2048 > 100 && w2048 < 10000);
	printf("# 512 -> %llu, 2048 -> %llu\n", (unsigned long long)w512,
	       (unsigned long long)w2048);
}

TEST(blkio_weight_to_io_weight)
{
	CHECK(isola_blkio_weight_to_io(10) == 1);
	CHECK(isola_blkio_weight_to_io(1000) == 10000);
	CHECK(isola_blkio_weight_to_io(500) == 1 + 490 * 9999 / 990);
	CHECK(isola_blkio_weight_to_io(0) == 0);
}

TEST(swap_to_v2)
{
	int64_t out = 0;
	CHECK(isola_swap_to_v2(2000, 1000, &out) == 0 && out == 1000);
	CHECK(isola_swap_to_v2(-1, 1000, &out) == 0 && out == -1);
	CHECK(isola_swap_to_v2(0, -1, &out) == 0 && out == -1);
	CHECK(isola_swap_to_v2(0, 1000, &out) == 0 && out == 0);
	CHECK(isola_swap_to_v2(500, 1000, &out) < 0);
	CHECK(isola_swap_to_v2(500, -1, &out) < 0);
}

TEST(state_round_trip)
{
	struct isola_error err = {0};
	const char *saved = "isola-cgroup 1 hybrid\n"
			    "v1\t2\t/nonexistent/memory\t/\t/a/b\tmemory\n"
			    "v2\t1\t/nonexistent/unified\t/\t/a/b\t\n";
	struct isola_cgroup *cg = isola_cgroup_load(saved, &err);
	CHECK(cg != NULL);
	if (!cg)
		return;
	CHECK_STR(isola_cgroup_layout(cg), "hybrid");
	CHECK_STR(isola_cgroup_dir(cg, "memory"), "/nonexistent/memory/a/b");
	CHECK_STR(isola_cgroup_dir(cg, ""), "/nonexistent/unified/a/b");
	CHECK(isola_cgroup_v2_fd(cg) == -1);
	char *again = isola_cgroup_save(cg);
	CHECK_STR(again, saved);
	free(again);
	isola_cgroup_free(cg);
}

TEST(state_rejects_bad_input)
{
	struct isola_error err = {0};
	CHECK(isola_cgroup_load("nope", &err) == NULL);
	CHECK_CONTAINS(err.msg, "cgroup state");
	CHECK(isola_cgroup_load("isola-cgroup 1 v1\nv1\t1\t/x\t/\t/../etc\tmemory\n", &err) ==
	      NULL);
	CHECK_CONTAINS(err.msg, "bad hierarchy entry");
	CHECK(isola_cgroup_load("isola-cgroup 1 v1\nv1\t1\t/x\n", &err) == NULL);
	CHECK_CONTAINS(err.msg, "bad hierarchy entry");
}

TEST(path_join)
{
	char *p = cg_path_join("/sys/fs/cgroup/memory", "/a/b");
	CHECK_STR(p, "/sys/fs/cgroup/memory/a/b");
	free(p);
	p = cg_path_join("/", "x");
	CHECK_STR(p, "/x");
	free(p);
	p = cg_path_join("/m/", "");
	CHECK_STR(p, "/m");
	free(p);
}

TEST(systemd_path_and_missing_systemd)
{
	struct isola_error err = {0};
	struct isola_cgroup *cg = NULL;
	struct isola_cgroup_opts o = {.id = "x", .systemd = true, .cgroups_path = "/abs/path"};
	CHECK(isola_cgroup_create(&o, &cg, &err) < 0);
	CHECK_CONTAINS(err.msg, "expected \"slice:prefix:name\"");
	o.cgroups_path = "system.slice:isola:x";
	CHECK(isola_cgroup_create(&o, &cg, &err) < 0);
	CHECK(cg == NULL);
	if (access("/run/systemd/system", F_OK) != 0)
		CHECK_STR(err.msg, "systemd cgroup manager requested but systemd is not running");
}

/* Does the policy (last matching rule wins, deny by default) allow access to c MAJOR:MINOR? */
static bool dev_allowed(const struct isola_resources *r, int64_t major, int64_t minor, char acc)
{
	for (size_t i = r->n_devices; i-- > 0;) {
		const struct isola_res_device *d = &r->devices[i];
		bool type = d->type == 'a' || d->type == 'c';
		bool nums =
		    (d->major < 0 || d->major == major) && (d->minor < 0 || d->minor == minor);
		if (type && nums && strchr(d->access[0] ? d->access : "rwm", acc))
			return d->allow;
	}
	return false;
}

TEST(device_policy_defaults_and_no_section)
{
	struct isola_error err = {0};
	struct isola_resources *none = NULL;
	/* no linux.resources at all: deny all, then the defaults */
	CHECK(isola_resources_device_policy(&none, false, &err) == 0);
	CHECK(none != NULL && none->has_devices);
	CHECK(!dev_allowed(none, 1, 11, 'w')); /* /dev/kmsg */
	CHECK(dev_allowed(none, 1, 3, 'w'));   /* /dev/null */
	CHECK(dev_allowed(none, 136, 4, 'r')); /* a pts */
	CHECK(dev_allowed(none, 1, 11, 'm'));  /* mknod of anything */
	isola_resources_free(none);
	/* a section without devices: the same */
	struct isola_resources *r = parse("{\"pids\":{\"limit\":5}}", &err);
	CHECK(isola_resources_device_policy(&r, false, &err) == 0);
	CHECK(!dev_allowed(r, 1, 11, 'w') && dev_allowed(r, 1, 9, 'r'));
	isola_resources_free(r);
	/* the config's rules come first; the defaults still follow a deny-all */
	r = parse("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
		  "\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"w\"}]}",
		  &err);
	CHECK(isola_resources_device_policy(&r, false, &err) == 0);
	CHECK(dev_allowed(r, 1, 11, 'w') && !dev_allowed(r, 1, 11, 'r'));
	CHECK(dev_allowed(r, 1, 5, 'r'));
	isola_resources_free(r);
	/* rootless without a device section: nothing to write, nothing added */
	none = NULL;
	CHECK(isola_resources_device_policy(&none, true, &err) == 0);
	CHECK(none == NULL);
}

int main(void)
{
	return tap_run();
}
