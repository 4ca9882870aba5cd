#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of the tests: run chosen integration tests against a runtime that is broken on
# purpose (runc behind a wrapper that drops one feature from config.json, or lies about
# the exit status) and check that every one of those tests fails. A test that still
# passes against the broken runtime can't catch that bug.
#
#   tests/integration/mutation-check.sh        (as root; needs runc)
#
# Prints one TAP line per mutation: "ok" when all its tests failed as they should.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
export ISOLA_BUILD="${ISOLA_BUILD:-$top/build}"
case "$ISOLA_BUILD" in /*) ;; *) ISOLA_BUILD="$top/$ISOLA_BUILD" ;; esac
REAL="${REAL_RUNTIME:-/usr/sbin/runc}"
[ -x "$REAL" ] || { echo "1..0 # skip $REAL missing"; exit 0; }

if [ -z "${ISOLA_TEST_INNER:-}" ]; then
	export ISOLA_TEST_INNER=1
	exec unshare -m --propagation private "$ISOLA_BUILD/tests/helpers/reaper" "$0" "$@"
fi

work=$(mktemp -d /tmp/isolatest-mut.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The wrapper: edits the bundle's config.json with $MUT_JQ before create/run, then runs
# the real runtime. MUT_EXIT=0 makes it exit 0 whatever the runtime said;
# MUT_DROP_OPT=--flag drops that option and its value from the command line.
cat >"$work/mutant-runtime" <<EOF
#!/usr/bin/env bash
bundle=.
verb=
prev=
for a in "\$@"; do
	case "\$prev" in -b | --bundle) bundle=\$a ;; esac
	case "\$a" in --bundle=*) bundle=\${a#--bundle=} ;; esac
	[ -z "\$verb" ] && case "\$a" in create | run) verb=\$a ;; esac
	prev=\$a
done
if [ -n "\$verb" ] && [ -n "\${MUT_JQ:-}" ] && [ -f "\$bundle/config.json" ]; then
	jq "\$MUT_JQ" "\$bundle/config.json" >"\$bundle/config.mut" &&
		mv "\$bundle/config.mut" "\$bundle/config.json"
fi
if [ -n "\${MUT_DROP_OPT:-}" ]; then
	args=()
	skip=
	for a in "\$@"; do
		if [ -n "\$skip" ]; then skip=; continue; fi
		if [ "\$a" = "\$MUT_DROP_OPT" ]; then skip=1; continue; fi
		args+=("\$a")
	done
	set -- "\${args[@]}"
fi
if [ -n "\${MUT_EXIT:-}" ] && [ "\$verb" = run ]; then
	"$REAL" "\$@"
	exit \$MUT_EXIT
fi
exec "$REAL" "\$@"
EOF
chmod 755 "$work/mutant-runtime"
export RUNTIME="$work/mutant-runtime"
export PATH="$ISOLA_BUILD/tests/helpers:$PATH"

n=0
failed=0
# mutate NAME FILE FILTER [VAR=VALUE...]: every test of FILE matching FILTER must fail.
mutate() {
	local name="$1" file="$2" filter="$3" out total nok
	shift 3
	n=$((n + 1))
	out=$(env "$@" bats --tap --filter "$filter" "$top/tests/integration/$file" 2>&1)
	total=$(grep -cE '^(not )?ok ' <<<"$out")
	nok=$(grep -cE '^not ok ' <<<"$out")
	if [ "$total" -gt 0 ] && [ "$nok" -eq "$total" ]; then
		echo "ok $n - $name: $nok/$total tests caught it"
	else
		echo "not ok $n - $name: only $nok/$total tests caught it"
		grep -E '^ok ' <<<"$out" | sed 's/^/#   survived: /'
		failed=$((failed + 1))
	fi
}

mutate "hostname ignored" namespaces.bats 'hostname$' \
	MUT_JQ='del(.hostname)'
mutate "pid namespace dropped" namespaces.bats 'is pid 1' \
	MUT_JQ='.linux.namespaces |= map(select(.type != "pid"))'
mutate "maskedPaths ignored" paths.bats 'masked (file|directory) ' \
	MUT_JQ='del(.linux.maskedPaths)'
mutate "readonlyPaths ignored" paths.bats 'readonly path is readable' \
	MUT_JQ='del(.linux.readonlyPaths)'
mutate "mount options dropped" mounts.bats 'bind ro|nosuid, nodev|tmpfs with size' \
	MUT_JQ='.mounts |= map(if .destination | startswith("/mnt") then .options = ["rbind"] else . end)'
mutate "readonly root ignored" mounts.bats 'readonly root' \
	MUT_JQ='.root.readonly = false'
mutate "rlimits ignored" process.bats 'rlimits lower' \
	MUT_JQ='del(.process.rlimits)'
mutate "user ignored" process.bats 'uid, gid and additionalGids|umask$' \
	MUT_JQ='.process.user = {"uid": 0, "gid": 0}'
mutate "capabilities widened" process.bats 'capabilities: (exact|empty|a dropped)' \
	MUT_JQ='.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_DAC_OVERRIDE"], "effective": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_DAC_OVERRIDE"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_DAC_OVERRIDE"]}'
mutate "noNewPrivileges flipped" process.bats 'noNewPrivileges' \
	MUT_JQ='.process.noNewPrivileges = (.process.noNewPrivileges | not)'
mutate "env replaced" process.bats 'env is exactly' \
	MUT_JQ='.process.env = ["PATH=/bin"]'
mutate "sysctl ignored" sysctl.bats 'is set in' \
	MUT_JQ='del(.linux.sysctl)'
mutate "hooks ignored" hooks.bats 'during create|state on stdin|args and env' \
	MUT_JQ='del(.hooks)'
mutate "devices ignored" dev.bats 'linux.devices' \
	MUT_JQ='del(.linux.devices)'
mutate "exit status lost" lifecycle.bats "exit status|128\\+signal" MUT_EXIT=0
mutate "oomScoreAdj ignored" process.bats 'oomScoreAdj$' \
	MUT_JQ='del(.process.oomScoreAdj)'

mutate "namespace paths ignored" namespaces.bats 'join' \
	MUT_JQ='.linux.namespaces |= map(del(.path))'
mutate "uid mapping shifted" namespaces.bats 'user namespace: (root inside|the process runs|uid 1000)' \
	MUT_JQ='if .linux.uidMappings then .linux.uidMappings[0].hostID = 150000 else . end'
mutate "cwd ignored" process.bats '^process: cwd$|missing cwd' \
	MUT_JQ='.process.cwd = "/"'
mutate "additionalGids dropped" process.bats 'uid, gid and additionalGids' \
	MUT_JQ='del(.process.user.additionalGids)'
mutate "cgroupsPath ignored" cgroup.bats 'joins cgroupsPath|nested' \
	MUT_JQ='del(.linux.cgroupsPath)'
mutate "consoleSize ignored" console.bats 'consoleSize' \
	MUT_JQ='del(.process.consoleSize)'
mutate "terminal ignored" console.bats 'stdio is a tty|pts device|/dev/console' \
	MUT_JQ='.process.terminal = false'
mutate "--pid-file ignored" lifecycle.bats 'pid-file' MUT_DROP_OPT=--pid-file
mutate "--preserve-fds ignored" cli.bats 'preserve-fds passes|exec --preserve-fds' \
	MUT_DROP_OPT=--preserve-fds

echo "1..$n"
echo "# $((n - failed)) of $n mutations caught"
[ "$failed" -eq 0 ]
