#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# linux.sysctl: set inside the container's namespaces, never on the host.

load helpers

@test "sysctl: a net sysctl is set in the container's network namespace" {
	# not ip_forward: a new netns may inherit the host's value, which may already be 1
	host_val=$(cat /proc/sys/net/ipv4/ip_default_ttl)
	config_set '.linux.sysctl = {"net.ipv4.ip_default_ttl": "42"}'
	run_ct_sep /probe sysctl net.ipv4.ip_default_ttl
	assert_success
	assert_output "net.ipv4.ip_default_ttl: 42"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host_val"
}

@test "sysctl: several sysctls" {
	config_set '.linux.sysctl = {"net.ipv4.ip_forward": "1",
		"net.ipv4.ping_group_range": "0 2147483647", "kernel.msgmax": "4096"}'
	run_ct_sep /bin/sh -c '/probe sysctl net.ipv4.ip_forward; /probe sysctl kernel.msgmax;
		/probe sysctl net.ipv4.ping_group_range'
	assert_success
	assert_line "net.ipv4.ip_forward: 1"
	assert_line "kernel.msgmax: 4096"
	assert_line --regexp $'^net.ipv4.ping_group_range: 0\t2147483647$'
}

@test "sysctl: an ipc sysctl is set in the container's ipc namespace" {
	host_val=$(cat /proc/sys/kernel/shmmni)
	config_set '.linux.sysctl = {"kernel.shmmni": "1234"}'
	run_ct_sep /probe sysctl kernel.shmmni
	assert_success
	assert_output "kernel.shmmni: 1234"
	assert_equal "$(cat /proc/sys/kernel/shmmni)" "$host_val"
}

@test "sysctl: names written with slashes work too" {
	config_set '.linux.sysctl = {"net/ipv4/ip_forward": "1"}'
	run_ct_sep /probe sysctl net.ipv4.ip_forward
	assert_success
	assert_output "net.ipv4.ip_forward: 1"
}

@test "sysctl: a net sysctl without a network namespace is refused" {
	host_val=$(cat /proc/sys/net/ipv4/ip_forward)
	config_del_ns network
	config_set '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run_ct /probe exit 0
	assert_failure
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_val"
	assert_clean "$CID"
}

@test "sysctl: an ipc sysctl without an ipc namespace is refused" {
	host_val=$(cat /proc/sys/kernel/msgmax)
	config_del_ns ipc
	config_set '.linux.sysctl = {"kernel.msgmax": "4097"}'
	run_ct /probe exit 0
	assert_failure
	assert_equal "$(cat /proc/sys/kernel/msgmax)" "$host_val"
	assert_clean "$CID"
}

@test "sysctl: an unknown sysctl fails" {
	config_set '.linux.sysctl = {"net.ipv4.isolatest_no_such_knob": "1"}'
	run_ct /probe exit 0
	assert_failure
	assert_clean "$CID"
}

@test "sysctl: kernel.hostname next to hostname is refused" {
	config_set '.hostname = "isolatest-field" | .linux.sysctl = {"kernel.hostname": "isolatest-sysctl"}'
	run_ct /probe hostname
	assert_failure
	runtime_is_runc || assert_output --partial 'linux.sysctl.kernel.hostname: conflicts with hostname'
	assert_clean "$CID"
}

@test "sysctl: kernel.domainname next to domainname is refused" {
	runc_lacks "domainname (runc 1.1 ignores it)"
	config_set '.domainname = "isolatest-field" | .linux.sysctl = {"kernel/domainname": "isolatest-sysctl"}'
	run_ct /probe domainname
	assert_failure
	runtime_is_runc || assert_output --partial 'linux.sysctl.kernel/domainname: conflicts with domainname'
	assert_clean "$CID"
}

@test "sysctl: kernel.hostname alone sets the hostname" {
	isola_only "runc 1.1 refuses kernel.hostname even without hostname"
	config_set 'del(.hostname) | .linux.sysctl = {"kernel.hostname": "isolatest-sysctl"}'
	run_ct_sep /probe hostname
	assert_success
	assert_output "hostname: isolatest-sysctl"
}
