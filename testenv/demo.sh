#!/usr/bin/env bash
# The README's first command: install, build, set up a test env, load xdp_icmp_echo with
# `jbpf load`, show the pings it answers and its counters, then tear the env down.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

testenv/install-deps.sh
echo "==> building (mvn package, clang for bpf-src/)"
mvn -q -B -DskipTests package

t=testenv/testenv.sh
name=demo
$t teardown -n "$name" >/dev/null 2>&1 || true
trap '$t teardown -n "$name" >/dev/null 2>&1 || true' EXIT
echo "==> test env: kernel echo replies off in the XDP end, so only XDP can answer"
$t setup -n "$name" --legacy-ip --no-echo

echo "==> ping before loading (expect no replies)"
$t ping -n "$name" -c 2 -- -W 1 | tail -2 || true

echo "==> ./jbpf load bpf-src/build/xdp_icmp_echo.o --dev $name --section xdp_icmp_echo"
$t load -n "$name" -- bpf-src/build/xdp_icmp_echo.o --section xdp_icmp_echo

echo "==> ping over IPv6 and IPv4, answered by XDP_TX"
$t ping -n "$name" -c 3
$t ping -n "$name" --legacy-ip -c 3

echo "==> ./jbpf status"
$t status -n "$name"
echo "==> counters per XDP action: ./jbpf map dump --dev $name --map xdp_stats_map"
$t exec-xdp -n "$name" -- ./jbpf map dump --dev "$name" --map xdp_stats_map
echo "==> live rates while pinging: ./jbpf stats --dev $name --count 2"
$t ping -n "$name" -c 8 -- -i 0.2 >/dev/null &
$t stats -n "$name" -- --count 2
wait

echo "==> ./jbpf unload --dev $name; pings go unanswered again"
$t unload -n "$name"
$t ping -n "$name" -c 2 -- -W 1 | tail -2 || true
