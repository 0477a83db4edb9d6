#!/usr/bin/env bash
#
# testenv.sh - throw-away test hosts for jbpf's XDP programs.
#
# Each test environment NAME is a pair of network namespaces joined by a
# veth pair:
#
#   netns NAME-xdp (the XDP end)           netns NAME (the peer test host)
#   +---------------------------+         +---------------------------+
#   | iface NAME                |=========| iface veth0               |
#   |  fc00:dead:cafe:N::1/64   |  veth   |  fc00:dead:cafe:N::2/64   |
#   |  10.201.N.1/24 (legacy)   |         |  10.201.N.2/24 (legacy)   |
#   |  <- your program here     |         |  xdp_pass attached        |
#   +---------------------------+         +---------------------------+
#
# With "setup -n B --beside A", environment B's XDP end (interface B) is made
# in A's netns A-xdp instead of a netns of its own, so programs on A can
# bpf_redirect to B and back (the xdp-tutorial's packet03 lessons):
#
#   netns A-xdp: iface A ==veth== veth0 in netns A
#                iface B ==veth== veth0 in netns B
#
# Safety: everything (interfaces, addresses, sysctls) lives inside the two
# namespaces this script creates; the root namespace is never touched, and
# the only addresses pinged are those of the test hosts above.
#
# Run "testenv.sh help" for the commands.

set -euo pipefail

PROG=${0##*/}
SELF=$(readlink -f "$0")
# The repository is the parent of the directory holding this script.
REPO_DIR=$(cd "$(dirname "$SELF")/.." && pwd)

JBPF=${JBPF:-$REPO_DIR/jbpf}
BPF_BUILD=${BPF_BUILD:-$REPO_DIR/bpf-src/build}
STATE_DIR=${TESTENV_STATE_DIR:-/run/jbpf-testenv}
BPFFS=${TESTENV_BPFFS:-/sys/fs/bpf}
NETNS_DIR=/run/netns        # where "ip netns add" mounts the namespaces
DEFAULT_NAME="test"

# Address plan; N (1..250) is chosen per environment at setup.
IP6_PREFIX=fc00:dead:cafe   # + ":N::1" / ":N::2", /64
IP4_PREFIX=10.201           # + ".N.1" / ".N.2", /24
# With setup --vlan: VLANs 1 and 2 on both ends (NAME.V in NAME-xdp, veth0.V in NAME), each with
# its own networks: fc00:dead:cafe:V00N::/64 (V*1000+N, decimal digits read as hex) and
# 10.(201+10V).N.0/24.
VLAN_IDS="1 2"

usage() {
	cat <<EOF
Usage: $PROG COMMAND [options]

Test hosts in network namespaces on a veth pair, for trying XDP programs.
Environment NAME (1-11 characters of A-Z a-z 0-9 _ -, not ending in -xdp; default:
the last one set up, else "$DEFAULT_NAME") gives:
  netns NAME-xdp  the XDP end: interface NAME, ${IP6_PREFIX}:N::1/64
                  (and ${IP4_PREFIX}.N.1/24 with --legacy-ip); load programs here
  netns NAME      the peer:    interface veth0, ${IP6_PREFIX}:N::2/64
                  (and ${IP4_PREFIX}.N.2/24); xdp_pass is attached to veth0 so
                  that XDP_TX from the XDP end arrives on veth
NAME: 1-11 characters out of A-Z a-z 0-9 _ -, starting with a letter/digit
(an empty -n "" is a usage error, it never means the last environment).

Commands:
  setup    [-n NAME] [--legacy-ip] [--vlan] [--no-echo] [--force] [--beside OTHER]
           create the environment. --legacy-ip adds IPv4 addresses.
           The peer routes ${IP6_PREFIX}::/48 (and ${IP4_PREFIX}.0.0/16) through the
           XDP end, so peers of environments beside each other can reach one
           another through programs (redirect, router) at the XDP ends.
           --beside OTHER puts NAME's XDP end (interface NAME) into OTHER's
           netns OTHER-xdp instead of a netns of its own, next to interface
           OTHER, so a program on one can redirect to the other (packet03);
           NAME gets no NAME-xdp netns, and load/unload/stats/tcpdump/exec-xdp
           -n NAME act in OTHER-xdp on interface NAME. Sysctls (--no-echo,
           forwarding) are per netns, so they are shared with OTHER. Beside an
           environment that is itself beside a third one means beside that one.
           --vlan adds VLANs 1 and 2 on both ends (NAME.1, NAME.2 in NAME-xdp;
           veth0.1, veth0.2 in NAME), each with its own addresses
           (fc00:dead:cafe:100N::1/2, 10.211.N.1/2 for VLAN 1; 200N, 10.221 for 2)
           and turns veth's VLAN offload off on both (ethtool), so that XDP
           programs see the tags in the frames.
           --no-echo makes the kernel of NAME-xdp ignore echo requests
           (sysctls set inside NAME-xdp only), so any ping reply must come
           from XDP. --force tears an existing NAME down first.
  reset    [-n NAME]           teardown, then setup again with the same options
  teardown [-n NAME]           delete whatever part of the environment exists
                               (namespaces, veth pair, pins, state); succeeds
                               when nothing is left, also if already gone.
                               An environment set up --beside NAME must be
                               torn down first: tearing NAME down (also
                               setup --force, reset) while one is beside it
                               is an error that names it and removes nothing.
                               Tearing down one set up --beside removes its
                               netns, veth pair and pins; OTHER stays whole
  ping     [-n NAME] [--legacy-ip] [--vlan V] [-c COUNT] [-- PING_ARGS...]
           ping the XDP end from the peer (default COUNT 3, -i 0.2 -W 1),
           over VLAN V with --vlan V;
           PING_ARGS come last and win (-f or -i drops the default -i, so
           "-- -f" floods); exits with ping's status
  load     [-n NAME] [--] [OBJ] [JBPF_LOAD_ARGS...]
           = \$JBPF load OBJ --dev NAME --pin-path PIN_DIR ARGS... in NAME-xdp
           (--dev/--pin-path only if ARGS do not give their own). Maps
           declared LIBBPF_PIN_BY_NAME are pinned in PIN_DIR =
           $BPFFS/jbpf-testenv-NAME, on the host's bpffs; a bare --pin-maps
           pins every map there (the tutorial's basic04). Without OBJ (ARGS
           start with an option, as in "t load -- -F --progsec xdp_pass"):
           --filename OBJ if ARGS give it, else ./xdp_prog_kern.o, else the
           only *.o in the current directory (the lesson's object)
  unload   [-n NAME]           = \$JBPF unload --dev NAME in NAME-xdp, then
                               removes PIN_DIR
  status   [-n NAME]           list environments, checking each one whole
                               (namespaces, veth pair, addresses, routes,
                               links up, sysctls, xdp_pass) and naming what
                               is missing; "beside OTHER" marks one whose XDP
                               end is in OTHER-xdp. Then \$JBPF status in
                               NAME's XDP netns (every interface there, so
                               both ends of environments beside each other,
                               with their programs). Exits 1 if NAME is
                               incomplete
  stats    [-n NAME] [--] [ARGS...]  = \$JBPF stats --dev NAME ARGS in NAME-xdp
                                   (live per-action pps and Mbit/s; e.g. -- --count 3;
                                   a bare --pin-dir reads the maps load --pin-maps pinned)
  tcpdump  [-n NAME] [--] [ARGS...]  tcpdump -i NAME ARGS at the XDP end (what the
                                   program receives; e.g. -- -c 4 -nn)
  dump     [-n NAME] [--] [ARGS...]  = \$JBPF dump --dev NAME ARGS in NAME-xdp: the packets
                                   the attached XDP program sees, as xdpdump shows them
                                   (e.g. -- --count 4, -- -w x.pcap)
  enter    [-n NAME]           a shell in netns NAME (the peer); exit to leave
  exec     [-n NAME] [--] CMD...   run CMD in netns NAME (the peer)
  exec-xdp [-n NAME] [--] CMD...   run CMD in netns NAME-xdp (the XDP end)
  info     [-n NAME]           print the environment's state (KEY=value lines)
  alias                        print an alias; eval "\$($PROG alias)" gives 't'
  help                         this text

For load/exec/exec-xdp everything from the first non-option argument (or
after "--") is passed on unchanged.

Commands run "in" a namespace (load, unload, status, stats, exec, exec-xdp)
enter only its network namespace (nsenter --net=/run/netns/NS), keeping the
host's mounts: jbpf sees the host's bpffs, so pins made there are the host's.
(ip netns exec would remount /sys without bpffs.) /sys/class/net therefore
shows the root namespace's devices; ip, sysctl and /proc/net show the
namespace's.

Environment variables:
  JBPF                 jbpf launcher (default: $REPO_DIR/jbpf)
  BPF_BUILD            BPF objects (default: $REPO_DIR/bpf-src/build)
  TESTENV_NO_XDP_PASS  if 1, setup does not attach xdp_pass to the peer's
                       veth0 (XDP_TX replies then do not arrive; for testing
                       the script without a working jbpf)
  TESTENV_STATE_DIR    state files (default: /run/jbpf-testenv)
  TESTENV_BPFFS        bpffs holding the environments' pin directories
                       (default: /sys/fs/bpf)

Needs root, iproute2 (ip) and util-linux (nsenter); ping needs iputils-ping.
EOF
}

die() {
	echo "$PROG: error: $*" >&2
	exit 1
}

info() {
	echo "$PROG: $*"
}

usage_error() {
	echo "$PROG: $*" >&2
	echo "Run '$PROG help' for usage." >&2
	exit 2
}

require_root_and_ip() {
	[[ $EUID -eq 0 ]] || die "must run as root (network namespaces need CAP_SYS_ADMIN/CAP_NET_ADMIN)"
	command -v ip >/dev/null 2>&1 || die "'ip' not found - install it with: apt-get install iproute2"
	command -v nsenter >/dev/null 2>&1 || die "'nsenter' not found - install it with: apt-get install util-linux"
}

# Runs CMD in network namespace NS only: unlike "ip netns exec", which also
# remounts /sys (and so hides bpffs), the host's mounts stay, so jbpf pins
# on and finds pins on the host's bpffs.
in_netns() {
	local ns=$1
	shift
	nsenter --net="$NETNS_DIR/$ns" -- "$@"
}

# Where maps that NAME's programs pin by name go (jbpf load --pin-path).
pin_dir() {
	echo "$BPFFS/jbpf-testenv-$1"
}

# vlan_ip6 NUM V HOST / vlan_ip4 NUM V HOST: the addresses on VLAN V (see the address plan).
vlan_ip6() {
	echo "$IP6_PREFIX:$(($2 * 1000 + $1))::$3"
}
vlan_ip4() {
	echo "10.$((201 + 10 * $2)).$1.$3"
}

require_jbpf() {
	[[ -x $JBPF ]] || die "jbpf launcher '$JBPF' not found or not executable (build jbpf, or set JBPF)"
}

valid_name() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$ ]] || return 1
	# These would clash with the loopback device or sysctl directories; a name
	# ending in -xdp would be another environment's second namespace.
	case $1 in lo | all | default | *-xdp) return 1 ;; esac
	return 0
}

# "ip netns list" lists the files in $NETNS_DIR; checking the file needs no
# pipeline (whose early-exiting grep could SIGPIPE "ip netns list" and, with
# pipefail, deny a namespace that exists).
netns_exists() {
	[[ -e $NETNS_DIR/$1 ]]
}

state_file() {
	echo "$STATE_DIR/$1.env"
}

current_file() {
	echo "$STATE_DIR/current"
}

# The name to act on: -n NAME, else the last environment set up (if it is
# still there), else the default.
resolve_name() {
	local given=$1 cur
	if [[ -n $given ]]; then
		valid_name "$given" || usage_error "invalid environment name '$given' (1-11 chars of A-Z a-z 0-9 _ -, starting with a letter or digit, not ending in -xdp)"
		echo "$given"
		return
	fi
	if [[ -r $(current_file) ]]; then
		cur=$(<"$(current_file)")
		if valid_name "$cur" && [[ -f $(state_file "$cur") ]]; then
			echo "$cur"
			return
		fi
	fi
	echo "$DEFAULT_NAME"
}

# Reads NAME's state file into ENV_* variables. The file is only KEY=value
# lines written by this script; it is parsed, not sourced. Keys that an
# older version of this script did not write stay empty.
read_state() {
	local name=$1 f key val
	f=$(state_file "$name")
	ENV_IP6_XDP='' ENV_IP4_XDP='' ENV_IP6_PEER='' ENV_IP4_PEER='' ENV_NO_ECHO='' ENV_XDP_PASS='' ENV_VLANS='' ENV_NUM=''
	ENV_BESIDE='' ENV_XDP_NS="$name-xdp" ENV_ROUTES=''
	while IFS='=' read -r key val; do
		case $key in
		IP6_XDP) ENV_IP6_XDP=$val ;;
		IP4_XDP) ENV_IP4_XDP=$val ;;
		IP6_PEER) ENV_IP6_PEER=$val ;;
		IP4_PEER) ENV_IP4_PEER=$val ;;
		NO_ECHO) ENV_NO_ECHO=$val ;;
		XDP_PASS) ENV_XDP_PASS=$val ;;
		VLANS) ENV_VLANS=$val ;;
		NUM) ENV_NUM=$val ;;
		BESIDE) ENV_BESIDE=$val ;;
		NETNS_XDP) [[ -z $val ]] || ENV_XDP_NS=$val ;;
		ROUTES) ENV_ROUTES=$val ;;
		esac
	done <"$f"
}

load_state() {
	local name=$1
	[[ -f $(state_file "$name") ]] || die "test environment '$name' does not exist (create it with: $PROG setup -n $name)"
	read_state "$name"
	if ! netns_exists "$name" || ! netns_exists "$ENV_XDP_NS"; then
		die "test environment '$name' is incomplete (namespace missing); run: $PROG teardown -n $name"
	fi
}

# Prints, one per line, what of environment NAME (state file read with
# read_state) is missing or not as setup made it; nothing when it is whole.
env_problems() {
	local name=$1 xdp_ns=$ENV_XDP_NS peer_ns=$1 line peer_idx
	local have_xdp=0 have_peer=0
	netns_exists "$xdp_ns" && have_xdp=1 || echo "netns $xdp_ns missing"
	netns_exists "$peer_ns" && have_peer=1 || echo "netns $peer_ns missing"
	# The XDP end: interface NAME, a veth whose peer is veth0 in netns NAME.
	if ((have_xdp)); then
		if line=$(ip -n "$xdp_ns" -o -d link show dev "$name" 2>/dev/null); then
			[[ $line == *" veth "* ]] || echo "interface $name in $xdp_ns is not a veth"
			[[ $line =~ \<([A-Z_,-]*,)?UP(,[A-Z_,-]*)?\> ]] || echo "interface $name in $xdp_ns is down"
			if ((have_peer)); then
				peer_idx=$(ip -n "$peer_ns" -o link show dev veth0 2>/dev/null | cut -d: -f1) || true
				if [[ -z $peer_idx || $line != *"@if$peer_idx:"* || $line != *" link-netns $peer_ns "* ]]; then
					echo "veth pair broken: $name in $xdp_ns is not joined to veth0 in $peer_ns"
				fi
			fi
			addr_problem "$xdp_ns" "$name" "$ENV_IP6_XDP/64"
			[[ -z $ENV_IP4_XDP ]] || addr_problem "$xdp_ns" "$name" "$ENV_IP4_XDP/24"
		else
			echo "interface $name missing in $xdp_ns"
		fi
		if [[ $ENV_NO_ECHO == 1 ]]; then
			[[ $(in_netns "$xdp_ns" cat /proc/sys/net/ipv4/icmp_echo_ignore_all 2>/dev/null) == 1 ]] ||
				echo "net.ipv4.icmp_echo_ignore_all is not 1 in $xdp_ns (--no-echo)"
			[[ $(in_netns "$xdp_ns" cat /proc/sys/net/ipv6/icmp/echo_ignore_all 2>/dev/null) == 1 ]] ||
				echo "net.ipv6.icmp.echo_ignore_all is not 1 in $xdp_ns (--no-echo)"
		fi
	fi
	local v
	for v in $ENV_VLANS; do
		((have_xdp)) && ! ip -n "$xdp_ns" link show dev "$name.$v" >/dev/null 2>&1 && echo "VLAN interface $name.$v missing in $xdp_ns"
		((have_peer)) && ! ip -n "$peer_ns" link show dev "veth0.$v" >/dev/null 2>&1 && echo "VLAN interface veth0.$v missing in $peer_ns"
	done
	# The peer: veth0 with the peer addresses and xdp_pass.
	if ((have_peer)); then
		if line=$(ip -n "$peer_ns" -o link show dev veth0 2>/dev/null); then
			[[ $line =~ \<([A-Z_,-]*,)?UP(,[A-Z_,-]*)?\> ]] || echo "interface veth0 in $peer_ns is down"
			if [[ $ENV_XDP_PASS == 1 && $line != *" prog/xdp id "* ]]; then
				echo "no XDP program (xdp_pass) on veth0 in $peer_ns"
			fi
			addr_problem "$peer_ns" veth0 "$ENV_IP6_PEER/64"
			[[ -z $ENV_IP4_PEER ]] || addr_problem "$peer_ns" veth0 "$ENV_IP4_PEER/24"
			if [[ $ENV_ROUTES == 1 ]]; then
				route_problem "$peer_ns" -6 "$IP6_PREFIX::/48" "$ENV_IP6_XDP"
				[[ -z $ENV_IP4_PEER ]] || route_problem "$peer_ns" -4 "$IP4_PREFIX.0.0/16" "$ENV_IP4_XDP"
			fi
		else
			echo "interface veth0 missing in $peer_ns"
		fi
	fi
	return 0
}

# Prints a line if ADDR (with prefix length) is not on IFACE in NS.
addr_problem() {
	local ns=$1 iface=$2 addr=$3
	[[ $addr == /* ]] && return 0 # not recorded (older state file)
	# awk reads all of ip's output (an early exit could SIGPIPE ip, failing the pipeline).
	if ! ip -n "$ns" -o addr show dev "$iface" 2>/dev/null | awk -v a="$addr" '$4 == a { f = 1 } END { exit !f }'; then
		echo "address $addr missing on $iface in $ns"
	fi
}

# Prints a line if NS has no route to PREFIX via GW.
route_problem() {
	local ns=$1 family=$2 prefix=$3 gw=$4
	if ! ip -n "$ns" "$family" route show "$prefix" 2>/dev/null | awk -v g="$gw" '$2 == "via" && $3 == g { f = 1 } END { exit !f }'; then
		echo "route $prefix via $gw missing in $ns"
	fi
}

# The environments set up --beside NAME (their XDP ends live in NAME-xdp), one per line.
dependents_of() {
	local f n
	for f in "$STATE_DIR"/*.env; do
		[[ -f $f ]] || continue
		n=$(basename "$f" .env)
		[[ $n != "$1" ]] || continue
		if [[ $(sed -n 's/^BESIDE=//p' "$f") == "$1" ]]; then
			echo "$n"
		fi
	done
}

# A number 1..250 for the address plan: a hash of the name, moved on to the
# next free one if another environment already uses it.
pick_number() {
	local name=$1 n used f i
	n=$(($(printf '%s' "$name" | cksum | cut -d' ' -f1) % 250 + 1))
	used=" "
	for f in "$STATE_DIR"/*.env; do
		[[ -f $f ]] || continue
		used+="$(sed -n 's/^NUM=//p' "$f") "
	done
	for ((i = 0; i < 250; i++)); do
		if [[ $used != *" $n "* ]]; then
			echo "$n"
			return
		fi
		n=$((n % 250 + 1))
	done
	die "no free network number left (250 environments exist)"
}

# Waits until no address on IFACE in NETNS is still tentative (IPv6 DAD).
# Our own addresses use nodad; this covers the link-local ones.
wait_dad() {
	local ns=$1 iface=$2 i
	for ((i = 0; i < 50; i++)); do
		if [[ -z $(ip -n "$ns" -6 addr show dev "$iface" tentative) ]]; then
			return 0
		fi
		sleep 0.1
	done
	info "warning: IPv6 addresses on $iface in netns $ns still tentative after 5s"
}

# Deletes whatever of NAME exists: its namespaces (which removes the veth
# pair with them), its pin directory and its state. Used by teardown and to
# roll back a failed setup; a setup killed half-way leaves any subset. Fails
# (listing them) only if parts are still there afterwards.
destroy_env() {
	local name=$1
	local ns left=() deps beside='' own=("$name-xdp" "$name")
	deps=$(dependents_of "$name")
	if [[ -n $deps ]]; then
		# shellcheck disable=SC2086 # one name per word
		echo "$PROG: error: environment '$name' holds the XDP end of ${deps//$'\n'/, } (set up with --beside $name);" \
			"first run: $(printf "$PROG teardown -n %s; " $deps | sed 's/; $//')" >&2
		return 1
	fi
	if [[ -f $(state_file "$name") ]]; then
		beside=$(sed -n 's/^BESIDE=//p' "$(state_file "$name")")
	fi
	if [[ -n $beside ]]; then
		# Only the peer netns is ours; deleting it deletes the veth pair, so
		# interface NAME (and its VLANs) leave $beside-xdp with it.
		own=("$name")
		if netns_exists "$beside-xdp"; then
			ip -n "$beside-xdp" link del "$name" 2>/dev/null || true
		fi
	fi
	for ns in "${own[@]}"; do
		if netns_exists "$ns"; then
			ip netns del "$ns" || true
		fi
	done
	rm -rf -- "$(pin_dir "$name")" || true
	rm -f -- "$(state_file "$name")" || true
	if [[ -r $(current_file) && $(<"$(current_file)") == "$name" ]]; then
		rm -f -- "$(current_file)" || true
	fi
	for ns in "${own[@]}"; do
		netns_exists "$ns" && left+=("netns $ns")
	done
	if [[ -n $beside ]] && netns_exists "$beside-xdp" && ip -n "$beside-xdp" link show dev "$name" >/dev/null 2>&1; then
		left+=("interface $name in $beside-xdp")
	fi
	[[ -e $(pin_dir "$name") ]] && left+=("$(pin_dir "$name")")
	[[ -e $(state_file "$name") ]] && left+=("$(state_file "$name")")
	if ((${#left[@]})); then
		echo "$PROG: error: could not remove ${left[*]}" >&2
		return 1
	fi
	return 0
}

SETUP_ROLLBACK_NAME=''
setup_rollback() {
	local rc=$?
	if [[ -n $SETUP_ROLLBACK_NAME ]]; then
		echo "$PROG: setup of '$SETUP_ROLLBACK_NAME' failed, removing what was created" >&2
		destroy_env "$SETUP_ROLLBACK_NAME" || true
	fi
	exit "$rc"
}

cmd_setup() {
	local name=$1 legacy_ip=$2 no_echo=$3 force=$4 vlan=${5:-0} beside=${6:-}
	local num ip6_xdp ip6_peer ip4_xdp='' ip4_peer='' f v vlans='' xdp_ns
	[[ $vlan -eq 1 ]] && vlans=$VLAN_IDS
	xdp_ns="$name-xdp"

	mkdir -p "$STATE_DIR"
	# Serialise setups so two of them cannot pick the same number.
	exec 9>"$STATE_DIR/.lock"
	flock 9

	f=$(state_file "$name")
	if [[ -f $f ]]; then
		if [[ $force -eq 1 ]]; then
			info "removing existing environment '$name' (--force)"
			destroy_env "$name"
		else
			die "test environment '$name' already exists (use '$PROG teardown -n $name' or setup --force)"
		fi
	fi
	if [[ -n $beside ]]; then
		[[ $beside != "$name" ]] || die "an environment cannot be --beside itself"
		[[ -f $(state_file "$beside") ]] ||
			die "test environment '$beside' does not exist (--beside needs it set up first: $PROG setup -n $beside)"
		read_state "$beside"
		# Beside an environment that is beside a third: beside the third, whose netns it is.
		[[ -z $ENV_BESIDE ]] || beside=$ENV_BESIDE
		xdp_ns="$beside-xdp"
		netns_exists "$xdp_ns" || die "test environment '$beside' is incomplete (netns $xdp_ns missing); run: $PROG teardown -n $beside"
		! ip -n "$xdp_ns" link show dev "$name" >/dev/null 2>&1 ||
			die "interface '$name' already exists in netns $xdp_ns; not touching it"
	fi
	# Never take over namespaces this script did not create.
	local ns
	for ns in "$name" "$name-xdp"; do
		if netns_exists "$ns"; then
			die "network namespace '$ns' already exists but is not a testenv environment; not touching it"
		fi
	done
	if [[ ${TESTENV_NO_XDP_PASS:-0} != 1 ]]; then
		require_jbpf
		[[ -f $BPF_BUILD/xdp_pass.o ]] ||
			die "$BPF_BUILD/xdp_pass.o not found (run: make -C $REPO_DIR/bpf-src)"
	fi

	num=$(pick_number "$name")
	ip6_xdp="$IP6_PREFIX:$num::1"
	ip6_peer="$IP6_PREFIX:$num::2"
	if [[ $legacy_ip -eq 1 ]]; then
		ip4_xdp="$IP4_PREFIX.$num.1"
		ip4_peer="$IP4_PREFIX.$num.2"
	fi

	# From here on, any failure removes everything created so far. The
	# state file is written first: it marks the namespaces as ours.
	SETUP_ROLLBACK_NAME=$name
	trap setup_rollback EXIT
	trap 'exit 130' INT TERM
	{
		echo "NAME=$name"
		echo "NUM=$num"
		echo "NETNS_XDP=$xdp_ns"
		echo "BESIDE=$beside"
		echo "ROUTES=1"
		echo "IFACE_XDP=$name"
		echo "NETNS_PEER=$name"
		echo "IFACE_PEER=veth0"
		echo "IP6_XDP=$ip6_xdp"
		echo "IP6_PEER=$ip6_peer"
		echo "IP4_XDP=$ip4_xdp"
		echo "IP4_PEER=$ip4_peer"
		echo "NO_ECHO=$no_echo"
		echo "XDP_PASS=$([[ ${TESTENV_NO_XDP_PASS:-0} == 1 ]] && echo 0 || echo 1)"
		echo "PIN_DIR=$(pin_dir "$name")"
		echo "VLANS=$vlans"
	} >"$f"
	# The number is taken now; let other setups/teardowns go on (and keep
	# the lock fd away from the jbpf process started below).
	flock -u 9
	exec 9>&-

	[[ -n $beside ]] || ip netns add "$xdp_ns"
	ip netns add "$name"

	# Created inside the XDP netns, peer moved straight into NAME: neither end
	# ever exists in the root namespace.
	ip -n "$xdp_ns" link add "$name" type veth peer name veth0 netns "$name"

	ip -n "$xdp_ns" link set lo up
	ip -n "$name" link set lo up

	# nodad: usable at once, no ~1s wait for duplicate address detection.
	ip -n "$xdp_ns" addr add "$ip6_xdp/64" dev "$name" nodad
	ip -n "$name" addr add "$ip6_peer/64" dev veth0 nodad
	if [[ $legacy_ip -eq 1 ]]; then
		ip -n "$xdp_ns" addr add "$ip4_xdp/24" dev "$name"
		ip -n "$name" addr add "$ip4_peer/24" dev veth0
	fi

	if [[ $no_echo -eq 1 ]]; then
		# Both sysctls are per network namespace: this changes NAME-xdp
		# only.
		ip netns exec "$xdp_ns" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1
		ip netns exec "$xdp_ns" sysctl -q -w net.ipv6.icmp.echo_ignore_all=1
	fi

	ip -n "$xdp_ns" link set "$name" up
	ip -n "$name" link set veth0 up
	# The rest of the test networks through the XDP end (as the tutorial's testenv
	# routes its whole prefix), for redirect and router lessons between environments.
	ip -n "$name" -6 route add "$IP6_PREFIX::/48" via "$ip6_xdp" dev veth0
	[[ $legacy_ip -eq 1 ]] && ip -n "$name" -4 route add "$IP4_PREFIX.0.0/16" via "$ip4_xdp" dev veth0

	for v in $vlans; do
		ip -n "$xdp_ns" link add link "$name" name "$name.$v" type vlan id "$v" 2>/dev/null ||
			die "cannot create VLAN interface $name.$v: this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q; try: modprobe 8021q)"
		ip -n "$name" link add link veth0 name "veth0.$v" type vlan id "$v"
		ip -n "$xdp_ns" addr add "$(vlan_ip6 "$num" "$v" 1)/64" dev "$name.$v" nodad
		ip -n "$name" addr add "$(vlan_ip6 "$num" "$v" 2)/64" dev "veth0.$v" nodad
		if [[ $legacy_ip -eq 1 ]]; then
			ip -n "$xdp_ns" addr add "$(vlan_ip4 "$num" "$v" 1)/24" dev "$name.$v"
			ip -n "$name" addr add "$(vlan_ip4 "$num" "$v" 2)/24" dev "veth0.$v"
		fi
		ip -n "$xdp_ns" link set "$name.$v" up
		ip -n "$name" link set "veth0.$v" up
	done
	if [[ -n $vlans ]]; then
		# veth's VLAN offload carries the tag beside the frame, where an XDP program never
		# sees it: off on both ends, so that the VLAN lessons' programs see (and pop, push)
		# the tag in the packet.
		command -v ethtool >/dev/null 2>&1 || die "setup --vlan needs ethtool (apt-get install ethtool) to turn veth's VLAN offload off"
		ip netns exec "$xdp_ns" ethtool -K "$name" rxvlan off txvlan off >/dev/null
		ip netns exec "$name" ethtool -K veth0 rxvlan off txvlan off >/dev/null
	fi

	if [[ ${TESTENV_NO_XDP_PASS:-0} != 1 ]]; then
		# veth only delivers XDP_TX'ed frames to a peer that has an XDP
		# program itself, so give the peer one that passes everything.
		in_netns "$name" "$JBPF" load "$BPF_BUILD/xdp_pass.o" --dev veth0 --mode native
	fi

	wait_dad "$xdp_ns" "$name"
	wait_dad "$name" veth0

	echo "$name" >"$(current_file)"
	trap - EXIT INT TERM
	SETUP_ROLLBACK_NAME=''

	info "environment '$name' is ready"
	echo "  XDP end: netns $xdp_ns${beside:+ (beside $beside)}, interface $name, $ip6_xdp${ip4_xdp:+, $ip4_xdp}"
	echo "  peer:    netns $name, interface veth0, $ip6_peer${ip4_peer:+, $ip4_peer}"
	for v in $vlans; do
		echo "  VLAN $v:  $name.$v $(vlan_ip6 "$num" "$v" 1)${ip4_xdp:+, $(vlan_ip4 "$num" "$v" 1)}; veth0.$v $(vlan_ip6 "$num" "$v" 2)${ip4_peer:+, $(vlan_ip4 "$num" "$v" 2)}"
	done
	[[ $no_echo -eq 1 ]] && echo "  kernel echo replies disabled in $xdp_ns (--no-echo)"
	[[ ${TESTENV_NO_XDP_PASS:-0} == 1 ]] && echo "  xdp_pass NOT attached on veth0 (TESTENV_NO_XDP_PASS=1)"
	return 0
}

cmd_teardown() {
	local name=$1 ns
	mkdir -p "$STATE_DIR"
	exec 9>"$STATE_DIR/.lock"
	flock 9
	if [[ ! -f $(state_file "$name") ]]; then
		for ns in "$name" "$name-xdp"; do
			if netns_exists "$ns"; then
				die "network namespace '$ns' exists but is not a testenv environment; not touching it"
			fi
		done
		info "environment '$name' does not exist; nothing to do"
		return 0
	fi
	destroy_env "$name" || exit 1
	info "environment '$name' removed"
}

cmd_ping() {
	local name=$1 legacy_ip=$2 count=$3 vlan=$4
	shift 4
	local addr family opt OPTIND=1 OPTARG
	local -a defaults
	load_state "$name"
	command -v ping >/dev/null 2>&1 || die "'ping' not found - install it with: apt-get install iputils-ping"
	if [[ $legacy_ip -eq 1 ]]; then
		[[ -n $ENV_IP4_XDP ]] ||
			die "environment '$name' has no IPv4 addresses (set it up with --legacy-ip)"
		addr=$ENV_IP4_XDP
		family=-4
	else
		addr=$ENV_IP6_XDP
		family=-6
	fi
	if [[ $vlan != 0 ]]; then
		[[ " $ENV_VLANS " == *" $vlan "* ]] || die "environment '$name' has no VLAN $vlan (set it up with --vlan)"
		if [[ $family == -4 ]]; then
			addr=$(vlan_ip4 "$ENV_NUM" "$vlan" 1)
		else
			addr=$(vlan_ip6 "$ENV_NUM" "$vlan" 1)
		fi
	fi
	# -i 0.2: quick for tests; -W 1: don't wait long for a reply that
	# (e.g. under XDP_DROP) never comes. The user's arguments come after
	# these, and ping takes the last of a repeated option, so theirs win;
	# but -f with any -i sends at that interval, so a -f (or -i) of theirs
	# drops the default -i. getopts reads the cluster forms (-fq, -i0) with
	# iputils ping's option string.
	defaults=(-c "$count" -i 0.2 -W 1)
	while getopts ':4bRT:6F:N:aABc:CdDe:fi:I:l:Lm:M:nOp:qQ:rs:S:t:UvVw:W:' opt; do
		case $opt in
		f | i) defaults=(-c "$count" -W 1) ;;
		esac
	done
	exec ip netns exec "$name" ping "$family" "${defaults[@]}" "$@" "$addr"
}

cmd_status() {
	local name=$1 explicit=$2 f n any=0 problems p
	echo "Test environments (state in $STATE_DIR):"
	for f in "$STATE_DIR"/*.env; do
		[[ -f $f ]] || continue
		any=1
		n=$(basename "$f" .env)
		read_state "$n"
		problems=$(env_problems "$n")
		printf '  %-11s %-7s %s %s%s\n' "$n" "$([[ -z $problems ]] && echo ok || echo BROKEN)" \
			"$ENV_IP6_XDP" "$ENV_IP4_XDP" "${ENV_BESIDE:+ beside $ENV_BESIDE}"
		if [[ -n $problems ]]; then
			while IFS= read -r p; do
				echo "      - $p"
			done <<<"$problems"
		fi
	done
	[[ $any -eq 1 ]] || echo "  (none)"
	if [[ ! -f $(state_file "$name") ]]; then
		[[ $explicit -eq 1 ]] && die "test environment '$name' does not exist"
		return 0
	fi
	read_state "$name"
	[[ -z $(env_problems "$name") ]] ||
		die "test environment '$name' is incomplete (see above); remove it with: $PROG teardown -n $name"
	require_jbpf
	# What the redirect lessons' map entries need: each end's ifindex (in its own netns) and MAC.
	echo
	echo "Environment $name${ENV_BESIDE:+ (beside $ENV_BESIDE)}:"
	echo "  XDP end: netns $ENV_XDP_NS, interface $name, $(link_facts "$ENV_XDP_NS" "$name"), $ENV_IP6_XDP${ENV_IP4_XDP:+, $ENV_IP4_XDP}"
	echo "  peer:    netns $name, interface veth0, $(link_facts "$name" veth0), $ENV_IP6_PEER${ENV_IP4_PEER:+, $ENV_IP4_PEER}"
	echo
	echo "jbpf status in netns $ENV_XDP_NS:"
	exec nsenter --net="$NETNS_DIR/$ENV_XDP_NS" -- "$JBPF" status
}

# "ifindex I, MAC M" of IFACE in NS.
link_facts() {
	ip -n "$1" -o link show dev "$2" 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") m = $(i + 1); sub(":", "", $1); print "ifindex " $1 ", MAC " m }'
}

cmd_info() {
	local name=$1
	load_state "$name"
	cat "$(state_file "$name")"
}

# has_option OPT... -- ARGS...: whether ARGS give one of the options OPT
# (as "OPT", "OPT=VALUE", or for a one-letter OPT also "-OVALUE").
# The lesson's object in the current directory, as the tutorial's loaders
# default to it: xdp_prog_kern.o, else the only *.o.
lesson_object() {
	local -a found=()
	if [[ -f xdp_prog_kern.o ]]; then
		echo xdp_prog_kern.o
		return 0
	fi
	shopt -s nullglob
	found=(*.o)
	shopt -u nullglob
	[[ ${#found[@]} -eq 1 ]] && { echo "${found[0]}"; return 0; }
	die "no object named: give OBJ or --filename OBJ (found ${#found[@]} *.o files in $PWD, and no xdp_prog_kern.o)"
}

has_option() {
	local -a opts=()
	local a o
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	for a in "$@"; do
		for o in "${opts[@]}"; do
			if [[ $a == "$o" || $a == "$o="* ]] || [[ ${#o} -eq 2 && $a == "$o"?* ]]; then
				return 0
			fi
			if [[ ${#o} -eq 2 && $a == -[!-]* ]] && in_short_group "${o:1}" "${a:1}"; then
				return 0
			fi
		done
	done
	return 1
}

# in_short_group LETTER GROUP: whether a group of short options such as -Fd
# (GROUP "Fd") gives LETTER. Letters of jbpf load's options that take a value
# (-d DEV, -m MODE, -n NAME, -s NAME) end the group: the rest is that value.
in_short_group() {
	local letter=$1 group=$2 i c
	for ((i = 0; i < ${#group}; i++)); do
		c=${group:i:1}
		[[ $c == "$letter" ]] && return 0
		[[ $c == [dmns] ]] && return 1
	done
	return 1
}

main() {
	local cmd=${1:-}
	[[ $# -gt 0 ]] && shift

	case $cmd in
	'' | help | -h | --help)
		usage
		[[ -n $cmd ]] && exit 0
		exit 2
		;;
	alias)
		printf "alias t='%s'\n" "$SELF"
		exit 0
		;;
	setup | reset | teardown | ping | load | unload | status | stats | tcpdump | dump | enter | exec | exec-xdp | info) ;;
	*)
		echo "$PROG: unknown command '$cmd'" >&2
		usage >&2
		exit 2
		;;
	esac

	local name_arg='' legacy_ip=0 no_echo=0 force=0 count=3 vlan=0 beside=''
	local -a rest=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		-n | --name)
			[[ $# -ge 2 ]] || usage_error "$1 needs a value"
			# An empty name must not fall back to the last environment:
			# "teardown -n \"\$unset\"" would remove someone else's.
			[[ -n $2 ]] || usage_error "$1 needs a non-empty environment name"
			name_arg=$2
			shift 2
			;;
		--name=*)
			[[ -n ${1#--name=} ]] || usage_error "--name needs a non-empty environment name"
			name_arg=${1#--name=}
			shift
			;;
		--legacy-ip)
			[[ $cmd == setup || $cmd == ping ]] || usage_error "--legacy-ip is only for setup and ping"
			legacy_ip=1
			shift
			;;
		--vlan)
			if [[ $cmd == setup ]]; then
				vlan=1
				shift
			elif [[ $cmd == ping ]]; then
				[[ $# -ge 2 && " $VLAN_IDS " == *" $2 "* ]] || usage_error "ping --vlan needs a VLAN id: one of $VLAN_IDS"
				vlan=$2
				shift 2
			else
				usage_error "--vlan is only for setup and ping"
			fi
			;;
		--no-echo)
			[[ $cmd == setup ]] || usage_error "--no-echo is only for setup"
			no_echo=1
			shift
			;;
		--force)
			[[ $cmd == setup ]] || usage_error "--force is only for setup"
			force=1
			shift
			;;
		--beside | --beside=*)
			[[ $cmd == setup ]] || usage_error "--beside is only for setup"
			if [[ $1 == --beside ]]; then
				[[ $# -ge 2 && -n $2 ]] || usage_error "--beside needs the name of an environment set up before"
				beside=$2
				shift 2
			else
				beside=${1#--beside=}
				shift
			fi
			valid_name "$beside" || usage_error "invalid environment name '$beside' for --beside"
			;;
		-c | --count)
			[[ $cmd == ping ]] || usage_error "$1 is only for ping"
			[[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage_error "$1 needs a positive number"
			count=$2
			shift 2
			;;
		-c*)
			# ping style "-c5"
			[[ $cmd == ping ]] || usage_error "-c is only for ping"
			[[ ${1#-c} =~ ^[1-9][0-9]*$ ]] || usage_error "-c needs a positive number"
			count=${1#-c}
			shift
			;;
		-h | --help)
			usage
			exit 0
			;;
		--)
			shift
			rest=("$@")
			break
			;;
		-*)
			usage_error "unknown option '$1' for $cmd"
			;;
		*)
			# First plain argument: it and everything after it are
			# passed on (OBJ + jbpf args, or a command line).
			rest=("$@")
			break
			;;
		esac
	done

	case $cmd in
	load | exec | exec-xdp | ping | stats | tcpdump | dump) ;;
	*) [[ ${#rest[@]} -eq 0 ]] || usage_error "unexpected argument '${rest[0]}' for $cmd" ;;
	esac

	require_root_and_ip
	local name
	name=$(resolve_name "$name_arg")

	case $cmd in
	setup)
		cmd_setup "$name" "$legacy_ip" "$no_echo" "$force" "$vlan" "$beside"
		;;
	reset)
		load_state "$name"
		cmd_setup "$name" "$([[ -n $ENV_IP4_XDP ]] && echo 1 || echo 0)" "${ENV_NO_ECHO:-0}" 1 \
			"$([[ -n $ENV_VLANS ]] && echo 1 || echo 0)" "$ENV_BESIDE"
		;;
	teardown)
		cmd_teardown "$name"
		;;
	ping)
		cmd_ping "$name" "$legacy_ip" "$count" "$vlan" "${rest[@]}"
		;;
	load)
		load_state "$name"
		require_jbpf
		# The object: the first argument, unless the arguments start with
		# an option (then --filename, or the lesson's object here).
		local -a obj=() args=()
		if [[ ${#rest[@]} -ge 1 && ${rest[0]} != -* ]]; then
			obj=("${rest[0]}")
			args=("${rest[@]:1}")
		else
			args=("${rest[@]}")
			if ! has_option --filename -- "${args[@]}"; then
				obj=("$(lesson_object)") || exit 1
			fi
		fi
		# The environment's device and pin directory, unless the user's
		# arguments name their own (jbpf refuses an option given twice); a
		# bare --pin-maps pins under the environment's pin directory.
		local -a defaults=() a
		has_option -d --dev -- "${args[@]}" || defaults+=(--dev "$name")
		mkdir -p -- "$(pin_dir "$name")" ||
			die "cannot create $(pin_dir "$name") (is bpffs mounted on $BPFFS? mount -t bpf bpf $BPFFS)"
		has_option --pin-path --pin-maps -- "${args[@]}" || defaults+=(--pin-path "$(pin_dir "$name")")
		for a in "${!args[@]}"; do
			[[ ${args[a]} == --pin-maps ]] && args[a]="--pin-maps=$(pin_dir "$name")"
		done
		exec nsenter --net="$NETNS_DIR/$ENV_XDP_NS" -- "$JBPF" load "${obj[@]}" "${defaults[@]}" "${args[@]}"
		;;
	unload)
		load_state "$name"
		require_jbpf
		local rc=0
		in_netns "$ENV_XDP_NS" "$JBPF" unload --dev "$name" || rc=$?
		# The pinned maps served the program just detached; a new load
		# makes them afresh.
		rm -rf -- "$(pin_dir "$name")"
		exit "$rc"
		;;
	status)
		cmd_status "$name" "$([[ -n $name_arg ]] && echo 1 || echo 0)"
		;;
	stats)
		load_state "$name"
		require_jbpf
		local i
		for i in "${!rest[@]}"; do
			[[ ${rest[i]} == --pin-dir ]] && rest[i]="--pin-dir=$(pin_dir "$name")"
		done
		exec nsenter --net="$NETNS_DIR/$ENV_XDP_NS" -- "$JBPF" stats --dev "$name" "${rest[@]}"
		;;
	tcpdump)
		load_state "$name"
		command -v tcpdump >/dev/null 2>&1 || die "'tcpdump' not found - install it with: apt-get install tcpdump"
		exec nsenter --net="$NETNS_DIR/$ENV_XDP_NS" -- tcpdump -i "$name" "${rest[@]}"
		;;
	dump)
		load_state "$name"
		require_jbpf
		exec nsenter --net="$NETNS_DIR/$ENV_XDP_NS" -- "$JBPF" dump --dev "$name" "${rest[@]}"
		;;
	enter)
		load_state "$name"
		info "entering netns $name (the peer); exit the shell to leave"
		exec nsenter --net="$NETNS_DIR/$name" -- "${SHELL:-/bin/bash}"
		;;
	exec | exec-xdp)
		[[ ${#rest[@]} -ge 1 ]] || usage_error "$cmd needs a command: $PROG $cmd -n NAME -- CMD [ARGS...]"
		load_state "$name"
		local ns=$name
		[[ $cmd == exec-xdp ]] && ns=$ENV_XDP_NS
		exec nsenter --net="$NETNS_DIR/$ns" -- "${rest[@]}"
		;;
	info)
		cmd_info "$name"
		;;
	esac
}

main "$@"
