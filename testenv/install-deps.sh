#!/usr/bin/env bash
# Installs what building and testing jbpf needs on a Debian machine (util-linux: nsenter, which
# testenv.sh uses), and mounts bpffs/tracefs.
# Idempotent; run as root. Used by the README's first command and by .ci/run.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps.sh: run as root (it uses apt-get and mount)" >&2
    exit 1
fi

pkgs=(clang llvm libbpf-dev linux-libc-dev gcc-multilib make iproute2 iputils-ping bpftool util-linux)
# tcpdump reads the pcapng files jbpf dump writes (DumpIT).
pkgs+=(tcpdump)
# xdp-tools (xdp-loader; libxdp's dispatcher) and libxdp-dev: the multi-program interop tests only.
pkgs+=(xdp-tools libxdp-dev)
# ethtool: VLAN tests turn veth's VLAN offload off, so the tag is in the frame XDP sees.
pkgs+=(ethtool)
# The second kernel of testenv/vm (Debian's 6.1 under qemu, where the tests tagged "vm" run too):
# qemu, a static busybox for its initramfs, depmod for its modules, cpio to pack the initramfs.
pkgs+=(qemu-system-x86 busybox-static kmod cpio)
command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
command -v javac >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "install-deps.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# bpffs for pinning, tracefs for tracepoint programs; neither is mounted on a new machine.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing || true
