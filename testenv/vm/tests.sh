#!/bin/bash
# Runs the kernel tests tagged "vm" on the guest kernel of run.sh, from the classes and jars built
# on the host (a JVM under qemu's emulation is far too slow for Maven): io.jbpf.testing.VmSuite.
# Exits with the suite's status: 0 when every test passed, 1 when one failed or none ran; run.sh's
# own 2/124/125 otherwise. See testenv/vm/README.md.
#
#   testenv/vm/tests.sh [--timeout SECONDS] [--if-qemu] [TEST...]
#
# TEST: a test class (KprobeIT, io.jbpf.link.TracingIT) or method (TracingIT#name) to run on the
# guest, tagged or not; none: every tagged test. --if-qemu (what `mvn verify` passes): unless
# JBPF_REQUIRE_KERNEL=1, skip with a message when qemu-system-x86_64 is not installed.
set -euo pipefail

usage() {
    echo "usage: $0 [--timeout SECONDS] [--if-qemu] [TEST...]" >&2
    exit 2
}
timeout_s=900
if_qemu=
while [ $# -gt 0 ]; do
    case "$1" in
        --timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
        --if-qemu) if_qemu=1; shift ;;
        --) shift; break ;;
        -h|--help) usage ;;
        -*) usage ;;
        *) break ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd -P)
if [ -n "$if_qemu" ] && [ "${JBPF_REQUIRE_KERNEL:-}" != 1 ] && ! command -v qemu-system-x86_64 >/dev/null; then
    echo "tests.sh: guest kernel tests skipped: qemu-system-x86_64 is not installed" \
         "(testenv/install-deps.sh installs it; JBPF_REQUIRE_KERNEL=1 makes this a failure)" >&2
    exit 0
fi
target=$root/loader/target
if [ ! -f "$target/test.classpath" ] || [ ! -d "$target/test-classes/io/jbpf/testing" ] \
        || [ ! -f "$root/bpf-src/build/xdp_pass.o" ]; then
    echo "tests.sh: build the project first (mvn -B package -DskipTests)" >&2
    exit 2
fi
java=java
[ -z "${JAVA_HOME:-}" ] || java=$JAVA_HOME/bin/java

# In loader/, as surefire runs the tests, with the system properties the poms give them. C1 only
# and the serial collector: the least JIT and collector machinery under emulation, where the
# JVM's defaults crashed with multi-threaded TCG (see run.sh); with these flags no run crashed.
cd "$root/loader"
exec "$root/testenv/vm/run.sh" --timeout "$timeout_s" -- \
    env JBPF_REQUIRE_KERNEL=1 "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Djbpf.bpf.build="$root/bpf-src/build" -Djbpf.bpf.golden="$root/bpf-src/golden" -Djbpf.root="$root" \
    -cp "$target/test-classes:$target/classes:$(cat "$target/test.classpath")" \
    io.jbpf.testing.VmSuite "$@"
