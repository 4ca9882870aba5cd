/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every validation error names the JSON path of the offending value. */
#include <stdio.h>

#include "tap.h"
#include "test-spec-util.h"

TEST(bad_json)
{
	CHECK_FAILS("{'ociVersion':'1.0.0',\n'root':{'path':'r'},\n'x':[1,}",
		    "config.json: invalid JSON at line 3");
	CHECK_FAILS("{'ociVersion':'1.0.0','root':", "config.json: invalid JSON at line 1");
	CHECK_FAILS("{'ociVersion':'1.0.0','root':{'path':'r'}} {}",
		    "unexpected data after the value");
	CHECK_FAILS("", "config.json: invalid JSON");
	CHECK_FAILS("[1,2]", "config.json: expected a JSON object");
	CHECK_FAILS("null", "config.json: expected a JSON object");
}

TEST(top_level_required)
{
	CHECK_FAILS("{'root':{'path':'r'}}", "ociVersion: required");
	CHECK_FAILS("{'ociVersion':'1.0.0'}", "root: required");
	CHECK_FAILS("{'ociVersion':'1.0.0','root':{}}", "root.path: required");
	CHECK_FAILS("{'ociVersion':'1.0.0','root':{'path':''}}", "root.path: must not be empty");
	CHECK_FAILS("{'ociVersion':'1.0.0','root':{'path':5}}", "root.path: expected a string");
	CHECK_FAILS("{'ociVersion':1,'root':{'path':'r'}}", "ociVersion: expected a string");
	CHECK_FAILS(HEAD "'hostname':['x']}", "hostname: expected a string");
	CHECK_FAILS(HEAD "'process':[]}", "process: expected an object");
	CHECK_FAILS(HEAD "'root':{'path':'r','readonly':'yes'}}",
		    "root.readonly: expected a boolean");
}

TEST(oci_version_refused)
{
	CHECK_FAILS("{'ociVersion':'2.0.0','root':{'path':'r'}}",
		    "ociVersion: unsupported version \"2.0.0\"");
	CHECK_FAILS("{'ociVersion':'0.6.0','root':{'path':'r'}}", "unsupported version \"0.6.0\"");
	CHECK_FAILS("{'ociVersion':'1.x','root':{'path':'r'}}", "unsupported version");
	CHECK_FAILS("{'ociVersion':'1.0.0.0','root':{'path':'r'}}", "unsupported version");
	CHECK_FAILS("{'ociVersion':'','root':{'path':'r'}}", "unsupported version");
	CHECK_FAILS("{'ociVersion':'1','root':{'path':'r'}}", "unsupported version");
}

TEST(process_errors)
{
	CHECK_FAILS(HEAD "'process':{'cwd':'/'}}", "process.args: required");
	CHECK_FAILS(HEAD "'process':{'args':[],'cwd':'/'}}", "process.args: must not be empty");
	CHECK_FAILS(HEAD "'process':{'args':['a',1],'cwd':'/'}}",
		    "process.args: expected an array of strings");
	CHECK_FAILS(HEAD "'process':{'args':'sh','cwd':'/'}}",
		    "process.args: expected an array of strings");
	CHECK_FAILS(HEAD "'process':{'args':['sh']}}", "process.cwd: required");
	CHECK_FAILS(HEAD "'process':{'args':['sh'],'cwd':'tmp'}}",
		    "process.cwd: must be an absolute path");
	CHECK_FAILS(PROC("'env':['A=1','B']"),
		    "process.env[1]: \"B\" is not of the form KEY=value");
	CHECK_FAILS(PROC("'terminal':1"), "process.terminal: expected a boolean");
	CHECK_FAILS(PROC("'consoleSize':{'height':1}"), "process.consoleSize.width: required");
	CHECK_FAILS(PROC("'user':{'uid':-1}"), "process.user.uid: -1 out of range");
	CHECK_FAILS(PROC("'user':{'uid':4294967296}"), "process.user.uid: 4294967296 out of range");
	CHECK_FAILS(PROC("'user':{'gid':1.5}"), "process.user.gid: expected an integer");
	CHECK_FAILS(PROC("'user':{'umask':4096}"), "process.user.umask");
	CHECK_FAILS(PROC("'user':{'additionalGids':[1,'x']}"),
		    "process.user.additionalGids: expected an array of integers");
	CHECK_FAILS(PROC("'user':{'additionalGids':[1,-2]}"),
		    "process.user.additionalGids[1]: -2 out of range");
}

TEST(capability_errors)
{
	CHECK_FAILS(PROC("'capabilities':{'bounding':['CAP_KILL','CAP_CHOWN','CAP_SETUID',"
			 "'CAP_TEST']}"),
		    "process.capabilities.bounding[3]: unknown capability \"CAP_TEST\"");
	CHECK_FAILS(PROC("'capabilities':{'ambient':['kill']}"),
		    "process.capabilities.ambient[0]: unknown capability \"kill\"");
	CHECK_FAILS(PROC("'capabilities':{'effective':'CAP_KILL'}"),
		    "process.capabilities.effective: expected an array");
	CHECK_FAILS(PROC("'capabilities':{'permitted':[5]}"),
		    "process.capabilities.permitted: expected an array of strings");
	CHECK_FAILS(PROC("'capabilities':[]"), "process.capabilities: expected an object");
}

TEST(rlimit_errors)
{
	CHECK_FAILS(PROC("'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
		    "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"");
	CHECK_FAILS(PROC("'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},"
			 "{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
		    "process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"");
	CHECK_FAILS(PROC("'rlimits':[{'type':'RLIMIT_CORE','hard':1}]"),
		    "process.rlimits[0].soft: required");
	CHECK_FAILS(PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':-1,'hard':1}]"),
		    "process.rlimits[0].soft: expected a non-negative integer");
	CHECK_FAILS(PROC("'rlimits':[{'type':'RLIMIT_CORE','soft':5,'hard':1}]"),
		    "process.rlimits[0].soft: 5 is above the hard limit 1");
	CHECK_FAILS(PROC("'rlimits':['RLIMIT_CORE']"), "process.rlimits[0]: expected an object");
}

TEST(process_tuning_errors)
{
	CHECK_FAILS(PROC("'oomScoreAdj':1001"),
		    "process.oomScoreAdj: 1001 out of range [-1000, 1000]");
	CHECK_FAILS(PROC("'ioPriority':{'class':'IOPRIO_CLASS_X'}"),
		    "process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\"");
	CHECK_FAILS(PROC("'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':8}"),
		    "process.ioPriority.priority: 8 out of range [0, 7]");
	CHECK_FAILS(PROC("'scheduler':{'policy':'SCHED_FOO'}"),
		    "process.scheduler.policy: unknown policy \"SCHED_FOO\"");
	CHECK_FAILS(PROC("'scheduler':{'nice':1}"), "process.scheduler.policy: required");
	CHECK_FAILS(PROC("'scheduler':{'policy':'SCHED_OTHER','nice':20}"),
		    "process.scheduler.nice: 20 out of range [-20, 19]");
	CHECK_FAILS(PROC("'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
		    "process.scheduler.priority: only allowed with SCHED_FIFO or SCHED_RR");
	CHECK_FAILS(PROC("'scheduler':{'policy':'SCHED_RR','runtime':5}"),
		    "only allowed with SCHED_DEADLINE");
	CHECK_FAILS(PROC("'scheduler':{'policy':'SCHED_DEADLINE','flags':['SCHED_FLAG_X']}"),
		    "process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"");
	CHECK_FAILS(PROC("'execCPUAffinity':{'initial':'0-1;'}"),
		    "process.execCPUAffinity.initial: invalid cpu list");
}

TEST(mount_errors)
{
	CHECK_FAILS(HEAD "'mounts':[{'destination':'/a'},{'destination':'/b'},{'destination':'/c'},"
			 "{'destination':'/d'},{'destination':'e'}]}",
		    "mounts[4].destination: must be an absolute path");
	CHECK_FAILS(HEAD "'mounts':[{'type':'tmpfs'}]}", "mounts[0].destination: required");
	CHECK_FAILS(HEAD "'mounts':[{'destination':'/a','options':'ro'}]}",
		    "mounts[0].options: expected an array");
	CHECK_FAILS(HEAD "'mounts':[{'destination':'/a','options':['ro',true]}]}",
		    "mounts[0].options: expected an array of strings");
	CHECK_FAILS(HEAD "'mounts':{}}", "mounts: expected an array");
	CHECK_FAILS(HEAD "'mounts':[5]}", "mounts[0]: expected an object");
	CHECK_FAILS(HEAD "'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,"
			 "'hostID':1,'size':1}]}]}",
		    "mounts[0]: idmapped mounts need both uidMappings and gidMappings");
	CHECK_FAILS(HEAD "'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,"
			 "'hostID':1}]}]}",
		    "mounts[0].uidMappings[0].size: required");
}

TEST(namespace_errors)
{
	CHECK_FAILS(LINUX("'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'foo'}]"),
		    "linux.namespaces[2].type: unknown namespace \"foo\"");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'pid'},{'type':'pid'}]"),
		    "linux.namespaces[1].type: duplicate namespace \"pid\"");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'network','path':'proc/1/ns/net'}]"),
		    "linux.namespaces[0].path: must be an absolute path");
	CHECK_FAILS(LINUX("'namespaces':[{'path':'/x'}]"), "linux.namespaces[0].type: required");
	CHECK_FAILS(LINUX("'namespaces':{}"), "linux.namespaces: expected an array");
	CHECK_FAILS(HEAD "'linux':[]}", "linux: expected an object");
}

TEST(user_namespace_rules)
{
	CHECK_FAILS(LINUX("'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
			  "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
		    "linux.uidMappings: needs a user namespace in linux.namespaces");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'user'}]"),
		    "linux.uidMappings: required when creating a user namespace");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'user'}],"
			  "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
		    "linux.gidMappings: required when creating a user namespace");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'user'}],"
			  "'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]"),
		    "linux.uidMappings[0].size: must be greater than 0");
	struct isola_error err = {0};
	struct isola_config *c =
	    parse_q(LINUX("'namespaces':[{'type':'user','path':'/proc/1/ns/user'}]"), &err);
	CHECK(c != NULL);
	isola_config_free(c);
}

TEST(linux_errors)
{
	CHECK_FAILS(LINUX("'devices':[{'path':'dev/null','type':'c','major':1,'minor':3}]"),
		    "linux.devices[0].path: must be an absolute path");
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'x','major':1,'minor':3}]"),
		    "linux.devices[0].type: unknown device type \"x\"");
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'b','minor':3}]"),
		    "linux.devices[0].major: required");
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'u','major':3}]"),
		    "linux.devices[0].minor: required");
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
			  "'fileMode':65535}]"),
		    "linux.devices[0].fileMode: 0177777 is not a mode for a device of type c");
	/* 060600: a block device's st_mode, for a char device */
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
			  "'fileMode':24960}]"),
		    "linux.devices[0].fileMode: 060600 is not a mode for a device of type c");
	CHECK_FAILS(LINUX("'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
			  "'fileMode':131072}]"),
		    "linux.devices[0].fileMode: 0400000 is not a mode for a device of type c");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'network'}],'sysctl':{'net.ipv4.ip_forward':1}"),
		    "linux.sysctl.net.ipv4.ip_forward: expected a string");
	CHECK_FAILS(HEAD "'hostname':'h','linux':{'namespaces':[{'type':'uts'}],"
			 "'sysctl':{'kernel.hostname':'s'}}}",
		    "linux.sysctl.kernel.hostname: conflicts with hostname");
	CHECK_FAILS(HEAD "'domainname':'d','linux':{'namespaces':[{'type':'uts'}],"
			 "'sysctl':{'kernel/domainname':'s'}}}",
		    "linux.sysctl.kernel/domainname: conflicts with domainname");
	CHECK_FAILS(LINUX("'rootfsPropagation':'sideways'"),
		    "linux.rootfsPropagation: unknown propagation \"sideways\"");
	CHECK_FAILS(LINUX("'maskedPaths':['/proc/kcore','proc/keys']"),
		    "linux.maskedPaths[1]: must be an absolute path");
	CHECK_FAILS(LINUX("'readonlyPaths':[1]"),
		    "linux.readonlyPaths: expected an array of strings");
	CHECK_FAILS(LINUX("'personality':{'domain':'LINUX64'}"),
		    "linux.personality.domain: unknown domain \"LINUX64\"");
	CHECK_FAILS(LINUX("'timeOffsets':{'boottime':{'secs':1}}"),
		    "linux.timeOffsets: needs a time namespace");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'time'}],'timeOffsets':{'realtime':{'secs':1}}"),
		    "linux.timeOffsets.realtime: unknown clock");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'time'}],"
			  "'timeOffsets':{'monotonic':{'nanosecs':1000000000}}"),
		    "linux.timeOffsets.monotonic.nanosecs");
	CHECK_FAILS(LINUX("'netDevices':{'eth0':{'name':'a/b'}}"),
		    "linux.netDevices.eth0.name: invalid interface name \"a/b\"");
	CHECK_FAILS(LINUX("'netDevices':{'averyveryverylongname':{}}"),
		    "linux.netDevices.averyveryverylongname: invalid interface name");
	CHECK_FAILS(LINUX("'cgroupsPath':5"), "linux.cgroupsPath: expected a string");
	CHECK_FAILS(LINUX("'resources':[]"), "linux.resources: expected an object");
}

/* linux.seccomp is parsed by linux/seccomp.c; its errors keep our path prefix. */
TEST(seccomp_errors_keep_path)
{
	CHECK_FAILS(LINUX("'seccomp':{'defaultAction':'SCMP_ACT_BOGUS'}"), "linux.seccomp");
	CHECK_FAILS(LINUX("'seccomp':'x'"), "linux.seccomp: expected an object");
}

TEST(cross_field_errors)
{
	CHECK_FAILS(LINUX("'sysctl':{'vm.swappiness':'10'}"),
		    "linux.sysctl.vm.swappiness: not namespaced: it would change the host");
	CHECK_FAILS(LINUX("'sysctl':{'net.ipv4.ip_forward':'1'}"),
		    "linux.sysctl.net.ipv4.ip_forward: needs a private network namespace");
	CHECK_FAILS(LINUX("'namespaces':[{'type':'network'}],'sysctl':{'kernel/shmmax':'1'}"),
		    "linux.sysctl.kernel/shmmax: needs a private ipc namespace");
	CHECK_FAILS(LINUX("'sysctl':{'kernel.domainname':'x'}"), "needs a private uts namespace");
	CHECK_FAILS(HEAD "'hostname':'h'}", "hostname: needs a private uts namespace");
	CHECK_FAILS(HEAD "'domainname':'d'}", "domainname: needs a private uts namespace");
}

TEST(hook_and_annotation_errors)
{
	CHECK_FAILS(HEAD "'hooks':{'prestart':[{'path':'bin/x'}]}}",
		    "hooks.prestart[0].path: must be an absolute path");
	CHECK_FAILS(HEAD "'hooks':{'poststop':[{'path':'/x'},{'path':'/y','timeout':0}]}}",
		    "hooks.poststop[1].timeout: must be greater than 0");
	CHECK_FAILS(HEAD "'hooks':{'createContainer':[{}]}}",
		    "hooks.createContainer[0].path: required");
	CHECK_FAILS(HEAD "'hooks':{'startContainer':[{'path':'/x','args':'a'}]}}",
		    "hooks.startContainer[0].args: expected an array of strings");
	CHECK_FAILS(HEAD "'hooks':{'poststart':{}}}", "hooks.poststart: expected an array");
	CHECK_FAILS(HEAD "'annotations':{'a':'1','b':2}}", "annotations.b: expected a string");
}

int main(void)
{
	return tap_run();
}
