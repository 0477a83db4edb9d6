#!/usr/bin/env bash
# jbpf benchmarks beside a C reference, on the same maps in the same run.
#
#   bench/run.sh [--quick] [--no-build]
#
# 0. checks for every tool it needs (gcc, libbpf-dev, hyperfine, bpftool, taskset, python3, java;
#    maven and clang to build) and installs missing ones with apt-get; if one is still missing it stops
#    before anything else, naming the package;
# 1. builds jbpf and bench/target/benchmarks.jar (mvn -DskipTests package) and the C harness
#    bench/target/ref (gcc, bench/c/ref.c; libbpf only for its loader part) and
#    bench/target/libjbpfref.so (bench/c/paired.c, the C side of the paired measurements) and
#    bench/target/libjbpfevents.so (bench/c/events.c: libbpf's ring and perf buffer consumers);
# 2. creates the benchmark maps once (io.jbpf.bench.BenchMaps) and pins them under
#    /sys/fs/bpf/jbpf_bench_<pid>; JMH forks and the C harness both open those pins;
# 3. runs, per group (single element, full reads, loader), the C harness, JMH (-prof gc, JSON
#    results) and the C harness again, and the paired measurements (Paired: jbpf and C
#    alternating in one process); the events rows (io.jbpf.bench.Events: ring and perf buffers
#    filled by hooks/jbe_events.o, drained by jbpf and by libbpf, alternating in one process); then
#    hyperfine for whole-process times (jbpf CLI beside bpftool and a JVM hello-world floor);
# 4. writes bench/RESULTS.md and bench/results.json (bench/report.py).
#
# --quick: one fork and short iterations, under 5 minutes on 2 cores; default: more forks and
# iterations (about 15 minutes). --no-build: use the jars and binaries already built.
# Needs root (bpf(2), bpffs). Leaves nothing pinned or loaded: the pins are removed on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
quick=0
build=1
for a in "$@"; do
    case "$a" in
        --quick) quick=1 ;;
        --no-build) build=0 ;;
        -h | --help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$a' (try --help)" >&2; exit 2 ;;
    esac
done
log() { printf '==> %s\n' "$*" >&2; }

# ---- tools: every one checked before anything runs, so a missing one stops the script at once
# instead of after minutes of benchmarks ----
missing_packages() { # prints the Debian packages of the tools not found
    local -a pkgs=()
    command -v gcc >/dev/null 2>&1 || pkgs+=(gcc)
    command -v taskset >/dev/null 2>&1 || pkgs+=(util-linux)
    [[ -f /usr/include/bpf/libbpf.h ]] || pkgs+=(libbpf-dev)
    command -v hyperfine >/dev/null 2>&1 || pkgs+=(hyperfine)
    command -v bpftool >/dev/null 2>&1 || pkgs+=(bpftool)
    command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
    command -v java >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
    if ((build)); then
        command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
        command -v clang >/dev/null 2>&1 || pkgs+=(clang)
    fi
    echo "${pkgs[*]}"
}
read -ra need <<<"$(missing_packages)"
if ((${#need[@]})); then
    [[ $EUID -eq 0 ]] || {
        echo "run.sh: missing packages: ${need[*]} (install them as root: apt-get install ${need[*]})" >&2
        exit 1
    }
    log "installing ${need[*]}"
    # Inside an if, so that a failure here is seen: set -e does not reach into a || group.
    if ! { apt-get install -y "${need[@]}" >/dev/null 2>&1 ||
        { apt-get update >/dev/null && apt-get install -y "${need[@]}" >/dev/null; }; }; then
        echo "run.sh: installing ${need[*]} failed (apt-get, see above); install them and run again" >&2
        exit 1
    fi
    read -ra need <<<"$(missing_packages)"
    if ((${#need[@]})); then
        echo "run.sh: still missing after apt-get install: ${need[*]}" >&2
        exit 1
    fi
fi
[[ $EUID -eq 0 ]] || { echo "run.sh: needs root (bpf(2) and bpffs)" >&2; exit 1; }

start=$(date +%s)
out="$here/target/run"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.txt

# ---- build ----
jar="$here/target/benchmarks.jar"
if ((build)); then
    log "building jbpf and the benchmarks jar (mvn -Dmaven.test.skip=true package)"
    (cd "$root" && mvn -q -B -Dmaven.test.skip=true package)
    log "building the C harness (gcc -O2 bench/c/ref.c -lbpf)"
    gcc -O2 -Wall -Wextra -o "$here/target/ref" "$here/c/ref.c" -lbpf
    gcc -O2 -Wall -Wextra -shared -fPIC -o "$here/target/libjbpfref.so" "$here/c/paired.c"
    gcc -O2 -Wall -Wextra -shared -fPIC -o "$here/target/libjbpfevents.so" "$here/c/events.c" -lbpf
fi
[[ -f "$jar" && -x "$here/target/ref" && -f "$here/target/libjbpfref.so" && -f "$here/target/libjbpfevents.so" &&
    -f "$root/loader/target/jbpf.jar" ]] || {
    echo "run.sh: $jar, bench/target/ref, bench/target/libjbpf{ref,events}.so or loader/target/jbpf.jar missing: run without --no-build" >&2
    exit 1
}

# ---- objects for the loader benchmarks ----
bpfbuild="$root/bpf-src/build"
small=xdp_icmp_echo.o
for o in "$small" hooks/jbe_events.o; do
    [[ -f "$bpfbuild/$o" ]] || { echo "run.sh: $bpfbuild/$o missing (make -C bpf-src)" >&2; exit 1; }
done
# The largest other object of bpf-src/ (xdp_icmp_echo.o is itself the largest file; its copy
# xdp_icmp_echo_pinned.o is no other object, and pins in /sys/fs/bpf), leaving out jbpf's own
# programs (tutorial/, multi/, dump/), whose old-style section names bpftool's libbpf does not type.
big=$(cd "$bpfbuild" && find . -name '*.o' ! -path "./$small" ! -path ./xdp_icmp_echo_pinned.o ! -path './tutorial/*' \
    ! -path './multi/*' ! -path './dump/*' -printf '%s %P\n' |
    sort -rn | head -1 | cut -d' ' -f2)

# ---- maps, pinned once for both sides ----
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
pins="/sys/fs/bpf/jbpf_bench_$$"
loadpin="/sys/fs/bpf/jbpf_bench_$$_load"
cleanup() {
    rm -rf "$pins" "$loadpin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "creating and filling the benchmark maps under $pins"
java -cp "$jar" io.jbpf.bench.BenchMaps create "$pins" >"$out/map_ids.txt"
map_id() { awk -v n="$1" '$1 == n { print $2 }' "$out/map_ids.txt"; }

# ---- JMH ----
# The loader's code paths are large and cold: its benchmarks get a longer warm-up, or the
# numbers would mostly measure the JIT compiling the ELF parser.
if ((quick)); then
    jmh_opts=(-f 1 -wi 2 -w 400ms -i 5 -r 300ms)
    jmh_single_opts=(-f 1 -wi 2 -w 300ms -i 15 -r 100ms)
    jmh_loader_opts=(-f 1 -wi 4 -w 1s -i 5 -r 500ms)
    hf_opts=(--warmup 1 --runs 5)
    ref_opts=(--quick)
else
    jmh_opts=(-f 2 -wi 4 -w 1s -i 5 -r 1s)
    jmh_single_opts=(-f 2 -wi 4 -w 500ms -i 20 -r 200ms)
    jmh_loader_opts=(-f 2 -wi 8 -w 1s -i 5 -r 1s)
    hf_opts=(--warmup 3 --runs 15)
    ref_opts=()
fi
jmh() { # GROUP REGEX OPTIONS...
    local name=$1 regex=$2
    shift 2
    log "JMH $* -prof gc: $regex"
    java -jar "$jar" "$@" -prof gc -rf json -rff "$out/jmh_$name.json" \
        -jvmArgsAppend "-Djbpf.bench.pins=$pins -Djbpf.bench.bpfBuild=$bpfbuild" \
        -p "object=$small,$big" "$regex" >"$out/jmh_$name.log" 2>&1 || {
        tail -40 "$out/jmh_$name.log" >&2
        exit 1
    }
}
ref() { # GROUP
    log "C reference: $1 (raw bpf(2); libbpf for the loader rows)"
    "$here/target/ref" "${ref_opts[@]}" --group "$1" "$pins" "$small=$bpfbuild/$small" "$big=$bpfbuild/$big" \
        >>"$out/c.txt"
}
# Each group's C rows are timed right before and right after its JMH run (report.py averages
# the two), so a change in machine load during the run shifts both sides alike.
group() { # GROUP REGEX JMH-OPTIONS...
    ref "$1"
    jmh "$@"
    ref "$1"
}
# Single calls: many short iterations, so that the best-of figure (see report.py) is one
# that the VM's occasional stalls did not reach, as on the C side.
group single 'io.jbpf.bench.MapLookupBench' "${jmh_single_opts[@]}"
# Single calls and mmap full reads again, jbpf and C alternating in one process (see Paired):
# the ratios that those targets are judged on.
log "paired: jbpf and C (bench/c/paired.c through jffi) alternating"
java -Djbpf.bench.pins="$pins" -cp "$jar" io.jbpf.bench.Paired "$here/target/libjbpfref.so" \
    $( ((quick)) && echo --quick) >"$out/paired.txt"
# On JDK 17, again with the incubating foreign linker enabled, MapCursor's fast path there (ElemCall).
rm -f "$out/paired_incubator.txt"
if java --list-modules 2>/dev/null | grep -q '^jdk.incubator.foreign@17'; then
    log "paired, JDK 17 with --add-modules jdk.incubator.foreign"
    java --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED -Djbpf.bench.pins="$pins" \
        -cp "$jar" io.jbpf.bench.Paired "$here/target/libjbpfref.so" $( ((quick)) && echo --quick) \
        >"$out/paired_incubator.txt" 2> >(grep -v '^WARNING: Using incubator modules' >&2)
fi
# And on a JDK 22+ if there is one, where MapCursor calls bpf(2) through java.lang.foreign (ElemCall).
jdk22=${JBPF_BENCH_JDK22:-/usr/lib/jvm/temurin-25-jdk-amd64}
rm -f "$out/paired_jdk22.txt"
if [[ -x "$jdk22/bin/java" ]]; then
    log "paired, on $jdk22"
    "$jdk22/bin/java" --enable-native-access=ALL-UNNAMED -Djbpf.bench.pins="$pins" -cp "$jar" \
        io.jbpf.bench.Paired "$here/target/libjbpfref.so" $( ((quick)) && echo --quick) >"$out/paired_jdk22.txt"
fi
# Ring and perf buffers: jbpf's readers and libbpf's consumers draining the same number of
# records, alternating in one process (see Events); stderr (time spent filling) to events.log.
log "events: ring and perf buffers, jbpf and libbpf (bench/c/events.c) alternating"
# On CPU 0, where the producer runs too (Events fills the buffers there): without it the drains
# read data that the other core wrote or not, as the scheduler places the thread, and the perf
# rows' quartiles spread over 1.2-2x.
taskset -c 0 java -Djbpf.bench.bpfBuild="$bpfbuild" -cp "$jar" io.jbpf.bench.Events "$here/target/libjbpfevents.so" \
    $( ((quick)) && echo --quick) >"$out/events.txt" 2>"$out/events.log" || {
    tail -20 "$out/events.log" >&2
    exit 1
}
group full 'io.jbpf.bench.(MapFullReadBench|ArrayFullReadBench)' "${jmh_opts[@]}"
group loader 'io.jbpf.bench.LoaderBench' "${jmh_loader_opts[@]}"

# ---- whole-process times ----
log "hyperfine: whole-process times"
jbpf="$root/jbpf"
jvm_floor=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$here/target/classes" io.jbpf.bench.Hello)
hf() { # NAME JBPF_CMD REF_CMD [hyperfine options...]
    local name=$1 cmd=$2 ref=$3
    shift 3
    local args=("${hf_opts[@]}" -N --style none --export-json "$out/hf_$name.json" "$@" "$cmd")
    [[ -n "$ref" ]] && args+=("$ref")
    hyperfine "${args[@]}" >>"$out/hyperfine.log" 2>&1 || {
        tail -20 "$out/hyperfine.log" >&2
        exit 1
    }
}
hf jvm_floor "${jvm_floor[*]}" ""
hf version "$jbpf --version" ""
hf inspect "$jbpf inspect $bpfbuild/$small" ""
hf dump_hash256 "$jbpf map dump --id $(map_id hash256)" "bpftool map dump id $(map_id hash256)"
hf dump_hash64k "$jbpf map dump --id $(map_id hash64k)" "bpftool map dump id $(map_id hash64k)"
# bpftool (libbpf 1.x) takes no type from the old-style section name "xdp_icmp_echo": say xdp.
hf load_small "$jbpf load $bpfbuild/$small --pin $loadpin" \
    "bpftool prog loadall $bpfbuild/$small $loadpin type xdp pinmaps $loadpin/maps" --prepare "rm -rf $loadpin"
hf load_big "$jbpf load $bpfbuild/$big --pin $loadpin" \
    "bpftool prog loadall $bpfbuild/$big $loadpin pinmaps $loadpin/maps" --prepare "rm -rf $loadpin"
rm -rf "$loadpin"

# ---- report ----
{
    echo "nproc=$(nproc)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "kernel=$(uname -r)"
    echo "jdk=$(java -version 2>&1 | head -2 | tail -1)"
    echo "gcc=$(gcc --version | head -1)"
    echo "libbpf=$(bpftool version 2>/dev/null | sed -n 's/^using libbpf //p')"
    echo "bpftool=$(bpftool version 2>/dev/null | head -1)"
    echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "mode=$( ((quick)) && echo quick || echo full)"
    echo "jmh=${jmh_opts[*]} (single calls: ${jmh_single_opts[*]}; loader: ${jmh_loader_opts[*]})"
    echo "ref=${ref_opts[*]:-}"
    echo "hyperfine=${hf_opts[*]}"
    echo "big=$big"
    echo "load=$load_before (start) / $(cut -d' ' -f1-3 /proc/loadavg) (end)"
} >"$out/machine.txt"
python3 "$here/report.py" "$out" "$here/RESULTS.md" "$here/results.json"
log "done in $(($(date +%s) - start)) s: bench/RESULTS.md, bench/results.json (raw output in bench/target/run/)"
