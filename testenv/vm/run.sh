#!/bin/bash
# Boots Debian's stock 6.1 kernel under qemu (software emulation) and runs one command in it as
# root, in the current directory, with the host's root file system visible read-only (tmpfs
# overlay on top), bpffs, tracefs and cgroup2 mounted. Prints the command's stdout/stderr and
# exits with its status. See testenv/vm/README.md for why each step is done the way it is.
#
#   testenv/vm/run.sh [--kernel 6.1] [--timeout SECONDS] -- CMD [ARG...]
set -euo pipefail

usage() {
    echo "usage: $0 [--kernel 6.1] [--timeout SECONDS] -- CMD [ARG...]" >&2
    exit 2
}

series=6.1
timeout_s=600
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) [ $# -ge 2 ] || usage; series=$2; shift 2 ;;
        --timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done
[ $# -ge 1 ] || usage
case "$series" in
    6.1) ;;
    *) echo "run.sh: only --kernel 6.1 (Debian 12's linux-image-6.1.0-NN-amd64) is supported" >&2; exit 2 ;;
esac
case "$timeout_s" in
    ''|*[!0-9]*) echo "run.sh: --timeout needs a whole number of seconds, got '$timeout_s'" >&2; exit 2 ;;
esac

log() { echo "run.sh: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Host tools: qemu, a static busybox for the initramfs (it must run before any library is
# reachable), kmod for depmod, cpio to pack the initramfs.
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
command -v depmod >/dev/null || [ -x /sbin/depmod ] || need+=(kmod)
command -v cpio >/dev/null || need+=(cpio)
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >&2 \
        || { log "could not install ${need[*]}; install them yourself"; exit 2; }
fi
depmod=$(command -v depmod || echo /sbin/depmod)

cache=${JBPF_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jbpf-vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd -P)
# Several runs may start at once (CI, helpers in other worktrees): one prepares the kernel and
# initramfs, the others wait; the lock is released before booting.
exec 9>"$cache/.lock"
flock 9

# Newest linux-image-6.1.0-NN-amd64 apt knows about (not -cloud/-rt: those lack drivers and
# options the tests need). Offline, fall back to the newest one already in the cache.
# apt-cache takes about a second, so it is asked at most once a day (JBPF_VM_REFRESH=1: now).
newest_cached() {
    find "$cache" -maxdepth 2 -path "*/linux-image-${series}.0-*-amd64/ready" -printf '%h\n' \
        | sed 's|.*/||' | sort -V | tail -n 1
}
pkg=
stamp=$cache/.apt-checked-$series
if [ -n "${JBPF_VM_REFRESH:-}" ] || [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
    pkg=$(apt-cache search --names-only "^linux-image-${series}\.0-[0-9]+-amd64\$" 2>/dev/null \
          | awk '{print $1}' | sort -V | tail -n 1 || true)
    [ -z "$pkg" ] || echo "$pkg" > "$stamp"
else
    pkg=$(cat "$stamp")
fi
if [ -z "$pkg" ]; then
    pkg=$(newest_cached)
    [ -n "$pkg" ] || { log "apt knows no linux-image-${series}.0-NN-amd64 (run apt-get update?)"; exit 2; }
fi
kdir=$cache/$pkg
kver=${pkg#linux-image-}

if [ ! -f "$kdir/ready" ]; then
    log "fetching $pkg into $kdir (apt-get download; once)"
    rm -rf "$kdir"
    mkdir -p "$kdir/deb"
    # As root, apt would warn that its _apt user cannot write into the cache; download as root.
    (cd "$kdir/deb" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" "$pkg" >&2)
    dpkg-deb -x "$kdir"/deb/*.deb "$kdir/root"
    # qemu boots an uncompressed ELF vmlinux directly through its PVH note, which is faster than
    # the bzImage's real-mode setup and self-decompression under TCG. Find the compressed payload
    # inside vmlinuz by its magic and keep the first candidate that decompresses to an ELF file.
    vmlinuz=$kdir/root/boot/vmlinuz-$kver
    found=
    for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
        tool=${magic%%:*}
        while IFS=: read -r off _; do
            tail -c +"$((off + 1))" "$vmlinuz" | "$tool" -dc > "$kdir/vmlinux" 2>/dev/null || true
            if [ "$(head -c 4 "$kdir/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]; then
                found=$tool; break
            fi
        done < <(LC_ALL=C grep -obUaP "${magic#*:}" "$vmlinuz" || true)
        [ -z "$found" ] || break
    done
    [ -n "$found" ] || { log "no ELF kernel found inside $vmlinuz"; exit 1; }
    # modules.dep for the unpacked tree, so modprobe (veth, sch_*, ...) works in the guest.
    "$depmod" -b "$kdir/root" "$kver"
    rm -rf "$kdir/deb"
    touch "$kdir/ready"
fi
modroot=$kdir/root/lib/modules/$kver

# Initramfs: static busybox, the modules needed to reach the 9p root (in dependency order, from
# modules.dep) and /init. Rebuilt when this script or init changes.
here=$(cd "$(dirname "$0")" && pwd -P)
initrd=$kdir/initrd.gz
if [ ! -f "$initrd" ] || [ "$here/run.sh" -nt "$initrd" ] || [ "$here/init" -nt "$initrd" ]; then
    ird=$(mktemp -d)
    mkdir -p "$ird"/{bin,dev,proc,sys,mods,lower,rw,newroot}
    cp /bin/busybox "$ird/bin/busybox"
    ln -s busybox "$ird/bin/sh"
    mknod "$ird/dev/console" c 5 1
    declare -A loaded=()
    order=()
    add_mod() { # depth-first: dependencies first
        local name=$1 line path deps d
        [ -z "${loaded[$name]:-}" ] || return 0
        loaded[$name]=1
        line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$modroot/modules.dep" || true)
        [ -n "$line" ] || return 0 # built in
        path=${line%%:*}
        deps=${line#*:}
        for d in $deps; do
            d=${d##*/}; d=${d%%.ko*}
            add_mod "$d"
        done
        order+=("$path")
    }
    for m in virtio_pci 9pnet_virtio 9p overlay; do add_mod "$m"; done
    for p in "${order[@]}"; do
        f=${p##*/}
        case "$f" in
            *.xz) xz -dc "$modroot/$p" > "$ird/mods/${f%.xz}" ;;
            *.zst) zstd -qdc "$modroot/$p" > "$ird/mods/${f%.zst}" ;;
            *) cp "$modroot/$p" "$ird/mods/$f" ;;
        esac
        f=${f%.xz}; f=${f%.zst}
        echo "$f" >> "$ird/mods/order"
    done
    cp "$here/init" "$ird/init"
    chmod +x "$ird/init"
    (cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
    mv "$initrd.tmp" "$initrd"
    rm -rf "$ird"
fi
exec 9>&-

# Per-run directory shared read-write: the command script in, stdout/stderr/status out.
# It is mounted in the guest at the same path, like everything else.
out=$(mktemp -d "${TMPDIR:-/tmp}/jbpf-vm.XXXXXX")
qpid='' t1='' t2=''
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    local p
    for p in $qpid $t1 $t2; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
    echo '#!/bin/sh'
    printf 'export PATH=%q\n' "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    echo 'export HOME=/root TERM=dumb LANG=C.UTF-8'
    # The guest starts with a clean environment; JAVA_HOME and JBPF_* (test switches such as
    # JBPF_REQUIRE_KERNEL) are passed on. Anything else: run.sh -- env NAME=VALUE CMD.
    for v in JAVA_HOME $(compgen -v JBPF_ || true); do
        [ -z "${!v+set}" ] || printf 'export %s=%q\n' "$v" "${!v}"
    done
    printf 'cd %q || { echo "run.sh: the guest cannot enter %q" >&2; exit 2; }\n' "$PWD" "$PWD"
    printf 'exec'; printf ' %q' "$@"; printf ' >%q 2>%q </dev/null\n' "$out/stdout" "$out/stderr"
} > "$out/cmd.sh"
: > "$out/stdout"; : > "$out/stderr"

start=$(date +%s%N)
# timeout(1) exits 124 when it had to stop qemu (qemu itself exits 0 on SIGTERM) and passes a
# SIGTERM from cleanup on to qemu.
# One host thread for both vCPUs (thread=single): with multi-threaded TCG the JVM in the guest
# crashed (SIGSEGV in JIT-compiled code and in G1's collector) in 3 of 11 runs of TracingIT +
# KprobeIT; single-threaded, none crashed in 5, at about 1.4x the time.
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
    -accel tcg,thread=single -cpu max -smp 2 -m 2048 -M pc \
    -nodefaults -display none -no-reboot \
    -serial "file:$out/console.log" \
    -kernel "$kdir/vmlinux" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 jbpf.out=$out jbpf.kmods=$modroot" \
    -virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" &
qpid=$!

# Stream the command's output while it runs (it lands on the share as it is written).
tail -n +1 -F "$out/stdout" 2>/dev/null & t1=$!
tail -n +1 -F "$out/stderr" 1>&2 2>/dev/null & t2=$!

qrc=0
wait "$qpid" || qrc=$?
qpid=
sleep 0.3 # let tail print the last bytes
kill "$t1" "$t2" 2>/dev/null || true
wait "$t1" "$t2" 2>/dev/null || true
t1='' t2=''
ms=$((($(date +%s%N) - start) / 1000000))
elapsed=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))

if [ -s "$out/status" ]; then
    rc=$(cat "$out/status")
    [ -z "${JBPF_VM_VERBOSE:-}" ] || log "$kver: exit $rc after ${elapsed}s"
    exit "$rc"
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
    log "guest ($kver) timed out after ${timeout_s}s (--timeout); console tail:"
else
    log "guest ($kver) stopped without an exit status (qemu exit $qrc, crash or panic?); console tail:"
fi
tail -n 40 "$out/console.log" >&2 || true
# 124 like timeout(1) for a timeout, 125 for a guest that died: neither looks like success.
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then exit 124; fi
exit 125
