/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <json-c/json.h>

#include "tap.h"
#include "test-spec-util.h"

TEST(minimal_config)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q("{'ociVersion':'1.0.0','root':{'path':'rootfs'}}", &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK_STR(c->oci_version, "1.0.0");
	CHECK_STR(c->root_path, "/b/rootfs");
	CHECK_STR(c->bundle, "/b");
	CHECK(!c->root_readonly);
	CHECK(!c->has_process);
	CHECK(c->n_mounts == 0 && c->n_namespaces == 0);
	CHECK(c->masked_paths && !c->masked_paths[0]);
	CHECK(c->readonly_paths && !c->readonly_paths[0]);
	CHECK(c->hostname == NULL && c->resources == NULL && c->seccomp == NULL);
	isola_config_free(c);
}

TEST(root_path_absolute_and_relative)
{
	struct isola_error err = {0};
	struct isola_config *c =
	    parse_q("{'ociVersion':'1.2.0','root':{'path':'/srv/r','readonly':true}}", &err);
	CHECK(c && c->root_readonly);
	CHECK_STR(c ? c->root_path : NULL, "/srv/r");
	isola_config_free(c);
	c = parse_q("{'ociVersion':'1.2.0','root':{'path':'a/b'}}", &err);
	CHECK_STR(c ? c->root_path : NULL, "/b/a/b");
	isola_config_free(c);
}

TEST(oci_versions_accepted)
{
	/* The minor is kept: a failing poststart hook is an error from 1.3 on. */
	static const struct {
		const char *v;
		unsigned int minor;
	} ok[] = {{"1.0.0", 0}, {"1.0.2-dev", 0}, {"1.1.0-rc.1", 1},
		  {"1.3.0", 3}, {"1.2", 2},	  {"1.10.7+x", 10}};
	char buf[256];
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct isola_error err = {0};
		snprintf(buf, sizeof(buf), "{'ociVersion':'%s','root':{'path':'r'}}", ok[i].v);
		struct isola_config *c = parse_q(buf, &err);
		if (!c)
			printf("# %s: %s\n", ok[i].v, err.msg);
		CHECK(c != NULL);
		if (c && c->oci_minor != ok[i].minor)
			printf("# %s: minor %u\n", ok[i].v, c->oci_minor);
		CHECK(c && c->oci_minor == ok[i].minor);
		isola_config_free(c);
	}
}

/* podman sends the host node's st_mode (020600): the type bits go, the permissions stay. */
TEST(device_file_mode_with_type_bits)
{
	struct isola_error err = {0};
	struct isola_config *c =
	    parse_q(LINUX("'devices':[{'path':'/dev/a','type':'c','major':1,'minor':3,"
			  "'fileMode':8576},{'path':'/dev/b','type':'b','major':7,'minor':0,"
			  "'fileMode':25008},{'path':'/dev/p','type':'p','fileMode':4516},"
			  "{'path':'/dev/u','type':'u','major':1,'minor':3,'fileMode':10678}]"),
		    &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(c->n_devices == 4 && c->devices[0].mode == 0600 && c->devices[1].mode == 0660);
	CHECK(c->devices[2].mode == 0644 && c->devices[3].mode == 04666);
	isola_config_free(c);
}

TEST(process_full)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q(
	    PROC("'terminal':true,'consoleSize':{'height':24,'width':80},"
		 "'user':{'uid':1000,'gid':100,'umask':18,'additionalGids':[5,6]},"
		 "'env':['A=1','PATH=/bin'],"
		 "'capabilities':{'bounding':['CAP_KILL','CAP_SYS_ADMIN'],'ambient':['CAP_KILL']},"
		 "'rlimits':[{'type':'RLIMIT_NOFILE','soft':1024,'hard':18446744073709551615}],"
		 "'noNewPrivileges':true,'apparmorProfile':'p','selinuxLabel':'l',"
		 "'oomScoreAdj':-1000,'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':7},"
		 "'scheduler':{'policy':'SCHED_FIFO','priority':10,"
		 "'flags':['SCHED_FLAG_RESET_ON_FORK']},"
		 "'execCPUAffinity':{'initial':'0-1','final':'1'}"),
	    &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	struct isola_process *p = &c->process;
	CHECK(c->has_process && p->terminal && p->has_console_size);
	CHECK(p->console_height == 24 && p->console_width == 80);
	CHECK(p->user.uid == 1000 && p->user.gid == 100 && p->user.has_umask &&
	      p->user.umask == 022);
	CHECK(p->user.n_additional_gids == 2 && p->user.additional_gids[1] == 6);
	CHECK_STR(p->args[0], "sh");
	CHECK(p->args[1] == NULL);
	CHECK_STR(p->env[1], "PATH=/bin");
	CHECK_STR(p->cwd, "/");
	CHECK(p->has_caps && p->caps.bounding == ((1ULL << 5) | (1ULL << 21)));
	CHECK(p->caps.ambient == (1ULL << 5) && p->caps.effective == 0);
	CHECK(p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == UINT64_MAX);
	CHECK(p->no_new_privileges);
	CHECK_STR(p->apparmor_profile, "p");
	CHECK_STR(p->selinux_label, "l");
	CHECK(p->has_oom_score_adj && p->oom_score_adj == -1000);
	CHECK(p->has_io_priority && p->io_priority_class == 2 && p->io_priority == 7);
	CHECK(p->has_scheduler && p->scheduler.policy == SCHED_FIFO);
	CHECK(p->scheduler.priority == 10 && p->scheduler.flags == 1);
	CHECK_STR(p->exec_cpu_affinity_initial, "0-1");
	CHECK_STR(p->exec_cpu_affinity_final, "1");
	isola_config_free(c);
}

TEST(process_env_defaults_empty)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q(PROC("'terminal':false"), &err);
	CHECK(c && c->process.env && c->process.env[0] == NULL);
	CHECK(c && !c->process.has_caps && !c->process.has_scheduler);
	isola_config_free(c);
}

static struct isola_mount *one_mount(const char *opts, struct isola_config **cp)
{
	char buf[1024];
	struct isola_error err = {0};
	snprintf(buf, sizeof(buf),
		 HEAD "'mounts':[{'destination':'/m','type':'tmpfs','source':'x','options':[%s]}]}",
		 opts);
	*cp = parse_q(buf, &err);
	if (!*cp)
		printf("# %s\n", err.msg);
	return *cp ? &(*cp)->mounts[0] : NULL;
}

TEST(mount_options_translated)
{
	struct isola_config *c;
	struct isola_mount *m = one_mount("'ro','nosuid','nodev','noexec','mode=755','size=65536k',"
					  "'rprivate','rro','rnoatime','strictatime'",
					  &c);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(m->flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_STRICTATIME));
	CHECK(m->clear_flags == 0);
	CHECK_STR(m->data, "mode=755,size=65536k");
	CHECK(m->propagation == (MS_PRIVATE | MS_REC));
	CHECK(m->attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME));
	CHECK(m->attr_clr == MOUNT_ATTR__ATIME);
	CHECK(!m->bind && !m->recursive && !m->tmpcopyup);
	CHECK_STR(m->type, "tmpfs");
	CHECK_STR(m->source, "x");
	isola_config_free(c);
}

TEST(mount_options_later_wins)
{
	struct isola_config *c;
	struct isola_mount *m =
	    one_mount("'ro','rw','nosuid','suid','rro','rrw','rbind','tmpcopyup',"
		      "'ridmap','rnoexec'",
		      &c);
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(m->flags == 0);
	CHECK(m->clear_flags == (MS_RDONLY | MS_NOSUID));
	CHECK(m->attr_set == MOUNT_ATTR_NOEXEC && m->attr_clr == MOUNT_ATTR_RDONLY);
	CHECK(m->bind && m->recursive && m->tmpcopyup && m->idmap && m->idmap_recursive);
	CHECK(m->data == NULL);
	isola_config_free(c);
}

/* Every name in the runc/crun table is a flag, never filesystem data. */
TEST(mount_option_table_complete)
{
	static const char *names[] = {"ro",	      "rw",
				      "suid",	      "nosuid",
				      "dev",	      "nodev",
				      "exec",	      "noexec",
				      "sync",	      "async",
				      "dirsync",      "remount",
				      "mand",	      "nomand",
				      "atime",	      "noatime",
				      "diratime",     "nodiratime",
				      "relatime",     "norelatime",
				      "strictatime",  "nostrictatime",
				      "lazytime",     "nolazytime",
				      "silent",	      "loud",
				      "bind",	      "rbind",
				      "private",      "rprivate",
				      "shared",	      "rshared",
				      "slave",	      "rslave",
				      "unbindable",   "runbindable",
				      "rro",	      "rrw",
				      "rnosuid",      "rsuid",
				      "rnodev",	      "rdev",
				      "rnoexec",      "rexec",
				      "rnoatime",     "ratime",
				      "rrelatime",    "rnorelatime",
				      "rstrictatime", "rnostrictatime",
				      "rnosymfollow", "rsymfollow",
				      "rnodiratime",  "rdiratime",
				      "idmap",	      "ridmap",
				      "tmpcopyup",    "nosymfollow",
				      "symfollow"};
	char buf[64];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct isola_config *c;
		snprintf(buf, sizeof(buf), "'%s'", names[i]);
		struct isola_mount *m = one_mount(buf, &c);
		if (!m || m->data)
			printf("# option %s went to data\n", names[i]);
		CHECK(m && !m->data);
		isola_config_free(c);
	}
}

TEST(mount_bind_source_and_idmap)
{
	struct isola_error err = {0};
	struct isola_config *c =
	    parse_q(HEAD "'mounts':[{'destination':'/d','type':'bind','source':'data'},"
			 "{'destination':'/e','source':'/abs','options':['rbind']},"
			 "{'destination':'/f','type':'bind','source':'/x',"
			 "'uidMappings':[{'containerID':0,'hostID':1000,'size':10}],"
			 "'gidMappings':[{'containerID':0,'hostID':2000,'size':5}]}]}",
		    &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(c->n_mounts == 3);
	CHECK(c->mounts[0].bind && !c->mounts[0].recursive);
	CHECK_STR(c->mounts[0].source, "/b/data");
	CHECK(c->mounts[1].bind && c->mounts[1].recursive && c->mounts[1].type == NULL);
	CHECK_STR(c->mounts[1].source, "/abs");
	CHECK(c->mounts[2].idmap && c->mounts[2].n_uid_mappings == 1);
	CHECK(c->mounts[2].uid_mappings[0].host_id == 1000 &&
	      c->mounts[2].uid_mappings[0].size == 10);
	CHECK(c->mounts[2].gid_mappings[0].host_id == 2000);
	isola_config_free(c);
}

TEST(linux_full)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q(
	    HEAD "'hostname':'h','domainname':'d',"
		 "'linux':{'namespaces':[{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'},"
		 "{'type':'user'},{'type':'uts'},{'type':'time'},{'type':'mount'},{'type':'ipc'},"
		 "{'type':'cgroup'}],"
		 "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
		 "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
		 "'devices':[{'path':'/dev/fuse','type':'c','major':10,'minor':229,'fileMode':438,"
		 "'uid':0,'gid':0},{'path':'/dev/p','type':'p'}],"
		 "'cgroupsPath':'/"
		 "isolatest','sysctl':{'net.ipv4.ip_forward':'1','fs.mqueue.msg_max':'9',"
		 "'kernel.shmmax':'1','net/core/somaxconn':'10'},"
		 "'rootfsPropagation':'rslave','maskedPaths':['/proc/kcore'],"
		 "'readonlyPaths':['/proc/sys'],'mountLabel':'m',"
		 "'personality':{'domain':'LINUX32'},"
		 "'timeOffsets':{'boottime':{'secs':-5,'nanosecs':7},'monotonic':{'secs':100}},"
		 "'netDevices':{'eth1':{'name':'net0'},'eth2':{}},"
		 "'resources':{'devices':[{'allow':false,'access':'rwm'}]}}}",
	    &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(c->n_namespaces == 8);
	CHECK(isola_config_namespace(c, CLONE_NEWPID) &&
	      !isola_config_namespace(c, CLONE_NEWPID)->path);
	CHECK_STR(isola_config_namespace(c, CLONE_NEWNET)->path, "/proc/1/ns/net");
	CHECK(c->n_uid_mappings == 1 && c->uid_mappings[0].host_id == 100000);
	CHECK(c->n_gid_mappings == 1 && c->gid_mappings[0].size == 65536);
	CHECK(c->n_devices == 2 && c->devices[0].type == 'c' && c->devices[0].major == 10);
	CHECK(c->devices[0].minor == 229 && c->devices[0].has_mode && c->devices[0].mode == 0666);
	CHECK(c->devices[0].has_uid && c->devices[1].type == 'p' && !c->devices[1].has_mode);
	CHECK_STR(c->cgroups_path, "/isolatest");
	CHECK(c->n_sysctl == 4);
	CHECK_STR(c->sysctl[0].key, "net.ipv4.ip_forward");
	CHECK_STR(c->sysctl[0].value, "1");
	CHECK(c->rootfs_propagation == (MS_SLAVE | MS_REC));
	CHECK_STR(c->masked_paths[0], "/proc/kcore");
	CHECK_STR(c->readonly_paths[0], "/proc/sys");
	CHECK_STR(c->mount_label, "m");
	CHECK(c->has_personality && c->personality == PER_LINUX32);
	CHECK(c->has_time_offsets && c->time_offset_boottime_secs == -5);
	CHECK(c->time_offset_boottime_nsecs == 7 && c->time_offset_monotonic_secs == 100);
	CHECK(c->n_net_devices == 2);
	CHECK_STR(c->net_devices[0].value, "net0");
	CHECK_STR(c->net_devices[1].value, "eth2");
	CHECK(c->resources != NULL && c->resources_json != NULL);
	CHECK_CONTAINS(json_object_to_json_string(c->resources_json), "rwm");
	CHECK_STR(c->hostname, "h");
	CHECK_STR(c->domainname, "d");
	isola_config_free(c);
}

TEST(hooks_and_annotations)
{
	struct isola_error err = {0};
	struct isola_config *c = parse_q(
	    HEAD "'hooks':{'prestart':[{'path':'/bin/a'}],'createRuntime':[{'path':'/bin/b',"
		 "'args':['b','1'],'env':['X=1'],'timeout':5}],'poststop':[{'path':'/c'},"
		 "{'path':'/d'}]},'annotations':{'org.a':'1','org.b':''}}",
	    &err);
	CHECK(c != NULL);
	if (!c) {
		printf("# %s\n", err.msg);
		return;
	}
	CHECK(c->hooks[ISOLA_HOOK_PRESTART].n == 1);
	CHECK_STR(c->hooks[ISOLA_HOOK_PRESTART].hooks[0].path, "/bin/a");
	CHECK(c->hooks[ISOLA_HOOK_PRESTART].hooks[0].args == NULL);
	struct isola_hook *h = &c->hooks[ISOLA_HOOK_CREATE_RUNTIME].hooks[0];
	CHECK_STR(h->args[1], "1");
	CHECK_STR(h->env[0], "X=1");
	CHECK(h->timeout == 5);
	CHECK(c->hooks[ISOLA_HOOK_POSTSTOP].n == 2 && c->hooks[ISOLA_HOOK_POSTSTART].n == 0);
	CHECK(c->n_annotations == 2);
	CHECK_STR(c->annotations[0].key, "org.a");
	CHECK_STR(c->annotations[1].value, "");
	isola_config_free(c);
}

TEST(capability_names)
{
	CHECK(isola_cap_from_name("CAP_CHOWN") == 0);
	CHECK(isola_cap_from_name("CAP_SYS_ADMIN") == 21);
	CHECK(isola_cap_from_name("CAP_CHECKPOINT_RESTORE") == 40);
	CHECK(isola_cap_from_name("CAP_TEST") == -1);
	CHECK(isola_cap_from_name("SYS_ADMIN") == -1);
	CHECK(isola_cap_last() == 40);
	CHECK_STR(isola_cap_name(39), "CAP_BPF");
	CHECK(isola_cap_name(41) == NULL && isola_cap_name(-1) == NULL);
	for (int i = 0; i <= isola_cap_last(); i++)
		CHECK(isola_cap_from_name(isola_cap_name(i)) == i);
}

TEST(signal_names)
{
	CHECK(isola_signal_from_name("KILL") == SIGKILL);
	CHECK(isola_signal_from_name("SIGKILL") == SIGKILL);
	CHECK(isola_signal_from_name("sigterm") == SIGTERM);
	CHECK(isola_signal_from_name("9") == 9);
	CHECK(isola_signal_from_name("0") == 0);
	CHECK(isola_signal_from_name("WINCH") == SIGWINCH);
	CHECK(isola_signal_from_name("SIGCHLD") == SIGCHLD &&
	      isola_signal_from_name("CLD") == SIGCHLD);
	CHECK(isola_signal_from_name("RTMIN") == SIGRTMIN);
	CHECK(isola_signal_from_name("SIGRTMIN+3") == SIGRTMIN + 3);
	CHECK(isola_signal_from_name("RTMAX-1") == SIGRTMAX - 1);
	CHECK(isola_signal_from_name("RTMAX") == SIGRTMAX);
	CHECK(isola_signal_from_name("RTMIN+99") == -1);
	CHECK(isola_signal_from_name("RTMIN-1") == -1);
	CHECK(isola_signal_from_name("65") == -1);
	CHECK(isola_signal_from_name("-1") == -1);
	CHECK(isola_signal_from_name("9x") == -1);
	CHECK(isola_signal_from_name("FOO") == -1);
	CHECK(isola_signal_from_name("") == -1);
	CHECK(isola_signal_from_name(NULL) == -1);
}

TEST(rlimit_and_namespace_names)
{
	CHECK(isola_rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE);
	CHECK(isola_rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME);
	CHECK(isola_rlimit_from_name("RLIMIT_FOO") == -1);
	CHECK(isola_rlimit_from_name("nofile") == -1);
	CHECK(isola_namespace_from_name("network") == CLONE_NEWNET);
	CHECK(isola_namespace_from_name("time") == 0x80);
	CHECK(isola_namespace_from_name("net") == -1);
	CHECK_STR(isola_namespace_name(CLONE_NEWNS), "mount");
	CHECK_STR(isola_namespace_proc_name(CLONE_NEWNS), "mnt");
	CHECK_STR(isola_namespace_proc_name(CLONE_NEWNET), "net");
	CHECK(isola_namespace_name(12345) == NULL);
}

/* The template has a cgroup namespace on pure cgroup v2 hosts only (as runc's). */
static size_t pure_cgroup_v2(void)
{
	struct statfs fs;
	return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

TEST(default_config_round_trip)
{
	struct isola_error err = {0};
	char *json = isola_config_default_json(false);
	CHECK(json != NULL);
	struct isola_config *c = json ? isola_config_parse(json, "/bundle", &err) : NULL;
	if (!c)
		printf("# %s\n", err.msg);
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->oci_version, "1.2.0");
		CHECK_STR(c->root_path, "/bundle/rootfs");
		CHECK(c->root_readonly && c->has_process && c->process.terminal);
		CHECK_STR(c->process.args[0], "sh");
		CHECK(c->process.caps.bounding == ((1ULL << 29) | (1ULL << 5) | (1ULL << 10)));
		CHECK(c->process.no_new_privileges && c->process.n_rlimits == 1);
		CHECK_STR(c->hostname, "isola");
		CHECK(c->n_mounts == 7 && c->n_namespaces == 5 + pure_cgroup_v2());
		CHECK(!isola_config_namespace(c, CLONE_NEWCGROUP) == !pure_cgroup_v2());
		CHECK(isola_config_namespace(c, CLONE_NEWNET) &&
		      !isola_config_namespace(c, CLONE_NEWUSER));
		CHECK(c->resources != NULL);
		CHECK_STR(c->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
		CHECK_STR(c->masked_paths[0], "/proc/acpi");
	}
	isola_config_free(c);
	free(json);
}

TEST(default_config_rootless_round_trip)
{
	struct isola_error err = {0};
	char *json = isola_config_default_json(true);
	struct isola_config *c = json ? isola_config_parse(json, "/bundle", &err) : NULL;
	if (!c)
		printf("# %s\n", err.msg);
	CHECK(c != NULL);
	if (c) {
		const struct isola_namespace *user = isola_config_namespace(c, CLONE_NEWUSER);
		CHECK(user && !user->path && !isola_config_namespace(c, CLONE_NEWNET));
		CHECK(c->n_namespaces == 5 + pure_cgroup_v2());
		CHECK(c->n_uid_mappings == 1 && c->uid_mappings[0].host_id == getuid());
		CHECK(c->uid_mappings[0].container_id == 0 && c->uid_mappings[0].size == 1);
		CHECK(c->n_gid_mappings == 1 && c->gid_mappings[0].host_id == getgid());
		CHECK(c->n_mounts == 6 && c->resources == NULL);
		CHECK_STR(c->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620");
		CHECK_STR(c->mounts[5].destination, "/sys");
		CHECK(c->mounts[5].bind && c->mounts[5].recursive);
		CHECK(c->mounts[5].flags & MS_RDONLY);
		for (size_t i = 0; i < c->n_mounts; i++)
			CHECK(strcmp(c->mounts[i].destination, "/sys/fs/cgroup") != 0);
	}
	isola_config_free(c);
	free(json);
}

TEST(process_parse_standalone)
{
	struct isola_error err = {0};
	struct isola_process p;
	char *t = q("{'args':['ls','-l'],'cwd':'/tmp','env':['A=b'],'user':{'uid':5}}");
	struct json_object *o = json_tokener_parse(t);
	CHECK(isola_process_parse(o, "", &p, &err) == 0);
	CHECK_STR(p.args[1], "-l");
	CHECK(p.user.uid == 5);
	isola_process_release(&p);
	json_object_put(o);
	free(t);

	char file[] = "/tmp/isolatest-process-XXXXXX";
	int fd = mkstemp(file);
	t = q("{'args':['true'],'cwd':'rel'}");
	CHECK(fd >= 0 && write(fd, t, strlen(t)) == (ssize_t)strlen(t));
	close(fd);
	CHECK(isola_process_load(file, &p, &err) == -1);
	CHECK_CONTAINS(err.msg, "cwd: must be an absolute path");
	CHECK_CONTAINS(err.msg, file);
	unlink(file);
	free(t);
	CHECK(isola_process_load("/nonexistent/p.json", &p, &err) == -1);
	CHECK(err.kind == ISOLA_ERR_NOT_FOUND);
}

TEST(config_load_from_bundle)
{
	struct isola_error err = {0};
	char dir[] = "/tmp/isolatest-bundle-XXXXXX", file[256];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(file, sizeof(file), "%s/config.json", dir);
	CHECK(isola_config_load(dir, &err) == NULL && err.kind == ISOLA_ERR_NOT_FOUND);
	char *json = isola_config_default_json(false);
	FILE *f = fopen(file, "we");
	CHECK(f && fputs(json, f) >= 0);
	if (f)
		fclose(f);
	struct isola_config *c = isola_config_load(dir, &err);
	CHECK(c != NULL);
	if (c) {
		char want[256];
		snprintf(want, sizeof(want), "%s/rootfs", dir);
		CHECK_STR(c->root_path, want);
	}
	isola_config_free(c);
	free(json);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	return tap_run();
}
