#!/usr/bin/env bash
# The checks of the consumer project, run by its build (pom.xml, exec-maven-plugin) after it has
# packaged the example and copied its dependencies. Any failed check exits non-zero, which fails
# the consumer build and so the loader build that runs it (maven-invoker-plugin).
#
#   run-example.sh ROOT TARGET APP_JAR JAVA_HOME [JDK22_HOME]
#
# ROOT is the jbpf repository root (the example reads bpf-src/build/xdp_icmp_echo.o relative to
# it, as the README says), TARGET the consumer's target directory (dependency-list.txt and
# modules/ are there), APP_JAR the example's jar, JAVA_HOME the JDK that runs the build (17+),
# JDK22_HOME a JDK 22+ to run it on as well (empty: skipped).
#
# 1. The dependency list has jbpf-loader and jbpf-elf, as modules, and no picocli.
# 2. `jar --describe-module` names both jbpf jars as (non-automatic) modules; io.jbpf.loader
#    exports io.jbpf and io.jbpf.link and not io.jbpf.internal.*.
# 3. The example on the module path (`java --module-path ... -m io.jbpf.example/...`) inside a
#    throw-away network namespace: it attaches xdp_icmp_echo natively to veth0, `ip` sees that
#    program there, a ping from the peer namespace gets 3 replies although the kernel's own echo
#    replies are off (so XDP_TX sent them), the example's last count of XDP_TX is 3, and after it
#    exits veth0 has no XDP program.
# 4. On JDK 22+: the same with --enable-native-access=io.jbpf.loader, where map lookups go
#    through java.lang.foreign, i.e. the jar's META-INF/versions/22 classes are used on the
#    module path: the JVM links a downcall (it loads jdk.internal.foreign.abi.DowncallLinker,
#    which nothing else in this application does). Then once without native access for jbpf,
#    which must still work (through jffi) and link no downcall.
#
# Steps 3-4 need root and bpf(2): without root they are skipped, unless JBPF_REQUIRE_KERNEL=1
# (CI), which makes that a failure, as for the kernel tests.
set -euo pipefail

if (($# < 4)); then
	echo "usage: $0 ROOT TARGET APP_JAR JAVA_HOME [JDK22_HOME]" >&2
	exit 2
fi
ROOT=$1 TARGET=$2 APP_JAR=$3 JDK=$4 JAVA=$4/bin/java JDK22=${5:-}
MODULES=$TARGET/modules
MODULE_PATH=$MODULES:$APP_JAR
MAIN=io.jbpf.example/io.jbpf.example.ReadmeExample
SECONDS_TO_COUNT=5
PINGS=3

fail() {
	echo "consumer example: FAILED: $*" >&2
	exit 1
}
step() {
	echo "consumer example: $*"
}

# --- 1. dependencies --------------------------------------------------------------------------
step "dependency list (mvn dependency:list):"
sed 's/^/    /' "$TARGET/dependency-list.txt"
grep -q 'io\.jbpf:jbpf-loader:jar:.* -- module io\.jbpf\.loader' "$TARGET/dependency-list.txt" ||
	fail "jbpf-loader is not in the dependency list as module io.jbpf.loader"
grep -q 'io\.jbpf:jbpf-elf:jar:.* -- module io\.jbpf\.elf' "$TARGET/dependency-list.txt" ||
	fail "jbpf-elf is not in the dependency list as module io.jbpf.elf"
if grep -qi picocli "$TARGET/dependency-list.txt" || compgen -G "$MODULES/*picocli*" >/dev/null; then
	fail "picocli reached the library user"
fi
step "no picocli among the dependencies"

# --- 2. module descriptors --------------------------------------------------------------------
describe() { # the module descriptor of the one jar in modules/ named $1-*.jar
	local jars=("$MODULES"/"$1"-[0-9]*.jar)
	[[ -f ${jars[0]} ]] || fail "no $1 jar in $MODULES"
	"$JDK/bin/jar" --describe-module --file "${jars[0]}"
}
loader=$(describe jbpf-loader)
elf=$(describe jbpf-elf)
step "jar --describe-module jbpf-loader:"
sed 's/^/    /' <<<"$loader"
step "jar --describe-module jbpf-elf:"
sed 's/^/    /' <<<"$elf"
[[ $(head -n1 <<<"$loader") == io.jbpf.loader@* ]] || fail "jbpf-loader's jar is not the named module io.jbpf.loader"
[[ $(head -n1 <<<"$elf") == io.jbpf.elf@* ]] || fail "jbpf-elf's jar is not the named module io.jbpf.elf"
grep -qx 'exports io.jbpf' <<<"$loader" || fail "io.jbpf.loader does not export io.jbpf"
grep -qx 'exports io.jbpf.link' <<<"$loader" || fail "io.jbpf.loader does not export io.jbpf.link"
! grep -Eq '^(exports|opens|qualified exports|qualified opens) io\.jbpf\.internal' <<<"$loader" ||
	fail "io.jbpf.loader exports or opens io.jbpf.internal"
grep -qx 'contains io.jbpf.internal.sys' <<<"$loader" || fail "io.jbpf.internal.sys is not in io.jbpf.loader"
step "both jars are named modules; io.jbpf.internal.* is not exported"

# --- 3./4. the example on XDP -----------------------------------------------------------------
if [[ $(id -u) != 0 ]]; then
	[[ ${JBPF_REQUIRE_KERNEL:-} == 1 ]] && fail "the example needs root (JBPF_REQUIRE_KERNEL=1)"
	step "SKIPPED running the example: not root"
	exit 0
fi
for tool in ip nsenter ping timeout; do
	command -v "$tool" >/dev/null || fail "'$tool' not found (testenv/install-deps.sh installs it)"
done
[[ -f $ROOT/bpf-src/build/xdp_icmp_echo.o && -f $ROOT/bpf-src/build/xdp_pass.o ]] ||
	fail "no BPF objects in $ROOT/bpf-src/build (make -C bpf-src)"

# Two namespaces joined by a veth pair: veth0 (XDP end, the example's default device) in XDP_NS,
# veth1 in PEER_NS. Unique names, removed whatever happens.
XDP_NS=jbpfex$$-xdp
PEER_NS=jbpfex$$-peer
XDP_IP=10.201.250.1
PEER_IP=10.201.250.2
example_pid=
cleanup() {
	[[ -n $example_pid ]] && kill "$example_pid" 2>/dev/null
	ip netns del "$XDP_NS" 2>/dev/null
	ip netns del "$PEER_NS" 2>/dev/null
	return 0
}
trap cleanup EXIT
ip netns add "$XDP_NS"
ip netns add "$PEER_NS"
ip -n "$XDP_NS" link add veth0 type veth peer name veth1 netns "$PEER_NS"
ip -n "$XDP_NS" addr add "$XDP_IP/24" dev veth0
ip -n "$PEER_NS" addr add "$PEER_IP/24" dev veth1
# Only the XDP program may answer pings on the XDP end. (nsenter, not `ip netns exec`, which
# remounts /sys: only the network namespace changes, bpffs and the rest stay the host's.)
nsenter --net="/run/netns/$XDP_NS" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
# veth delivers XDP_TX'ed frames only to a peer that has an XDP program itself.
ip -n "$PEER_NS" link set dev veth1 xdp obj "$ROOT/bpf-src/build/xdp_pass.o" sec xdp
ip -n "$XDP_NS" link set veth0 up
ip -n "$PEER_NS" link set veth1 up

# run_example LABEL JAVA [JVM options...]: one run of the example, with the checks of step 3.
run_example() {
	local label=$1 java=$2 out=$TARGET/example-$1.out line prog_id link pings tx
	shift 2
	step "run on $label: $java $* --module-path ... -m $MAIN veth0 $SECONDS_TO_COUNT"
	# in ROOT: the example names its object relative to the repository root
	(cd "$ROOT" && exec nsenter --net="/run/netns/$XDP_NS" timeout 120 "$java" "$@" \
		--module-path "$MODULE_PATH" -m "$MAIN" veth0 "$SECONDS_TO_COUNT") >"$out" 2>&1 &
	example_pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs '^attached ' "$out" && break
		kill -0 "$example_pid" 2>/dev/null || break
		sleep 0.1
	done
	line=$(grep -m1 '^attached ' "$out") || { sed 's/^/    /' "$out"; fail "$label: the example did not attach"; }
	# the link's toString names the program's id ("prog N"); ip must show that program
	prog_id=$(sed -n 's/^attached .*prog \([0-9][0-9]*\).*$/\1/p' <<<"$line")
	[[ -n $prog_id ]] || fail "$label: the attached line names no program id: $line"
	link=$(ip -n "$XDP_NS" -o link show dev veth0)
	[[ $link == *"prog/xdp id $prog_id "* ]] || fail "$label: ip does not show program $prog_id on veth0: $link"
	pings=$(nsenter --net="/run/netns/$PEER_NS" ping -c "$PINGS" -i 0.2 -W 2 "$XDP_IP" 2>&1) || true
	wait "$example_pid" || { sed 's/^/    /' "$out"; example_pid=; fail "$label: the example failed"; }
	example_pid=
	sed 's/^/    /' "$out"
	grep -q "$PINGS packets transmitted, $PINGS received" <<<"$pings" ||
		fail "$label: the ping did not get $PINGS replies from XDP: $(tail -n2 <<<"$pings")"
	tx=$(grep ' XDP_TX ' "$out" | tail -n1 || true)
	[[ $tx == "${SECONDS_TO_COUNT}s XDP_TX $PINGS packets" ]] ||
		fail "$label: the example's last XDP_TX count is '$tx', expected $PINGS packets after ${SECONDS_TO_COUNT}s"
	link=$(ip -n "$XDP_NS" -o link show dev veth0)
	[[ $link != *prog/xdp* ]] || fail "$label: veth0 still has an XDP program after the example closed its link: $link"
	step "$label: attached program $prog_id, $PINGS pings answered by XDP and counted, detached on close"
}

# the build's JDK (17 on CI), labelled by its feature version
run_example "jdk$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')" "$JAVA"

if [[ -z $JDK22 ]]; then
	step "no JDK 22+ given: the example ran on $("$JAVA" -version 2>&1 | head -n1) only"
	exit 0
fi
run_example jdk22-ffm "$JDK22/bin/java" --enable-native-access=io.jbpf.loader,org.jnrproject.jffi \
	"-Xlog:class+load=info:file=$TARGET/classes-jdk22-ffm.log"
grep -q 'jdk.internal.foreign.abi.DowncallLinker ' "$TARGET/classes-jdk22-ffm.log" ||
	fail "jdk22-ffm: no downcall was linked: the multi-release java22 classes were not used on the module path"
step "jdk22-ffm: map lookups went through java.lang.foreign (META-INF/versions/22 classes)"
run_example jdk22-jffi "$JDK22/bin/java" --enable-native-access=org.jnrproject.jffi \
	"-Xlog:class+load=info:file=$TARGET/classes-jdk22-jffi.log"
! grep -q 'jdk.internal.foreign.abi.DowncallLinker ' "$TARGET/classes-jdk22-jffi.log" ||
	fail "jdk22-jffi: a downcall was linked although io.jbpf.loader has no native access"
step "jdk22-jffi: without native access for io.jbpf.loader, map lookups went through jffi"
