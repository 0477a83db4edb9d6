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
DEFAULT_NAME="test"

# Address plan; N (1..250) is chosen per environment at setup.
IP6_PREFIX=fc00:dead:cafe   # + ":N::1" / ":N::2", /64
IP4_PREFIX=10.201           # + ".N.1" / ".N.2", /24

usage() {
	cat <<EOF
Usage: $PROG COMMAND [options]

Test hosts in network namespaces on a veth pair, for trying XDP programs.
Environment NAME (default: the last one set up, else "$DEFAULT_NAME") gives:
  netns NAME-xdp  the XDP end: interface NAME, ${IP6_PREFIX}:N::1/64
                  (and ${IP4_PREFIX}.N.1/24 with --legacy-ip); load programs here
  netns NAME      the peer:    interface veth0, ${IP6_PREFIX}:N::2/64
                  (and ${IP4_PREFIX}.N.2/24); xdp_pass is attached to veth0 so
                  that XDP_TX from the XDP end arrives on veth
NAME: 1-11 characters out of A-Z a-z 0-9 _ -, starting with a letter/digit.

Commands:
  setup    [-n NAME] [--legacy-ip] [--no-echo] [--force]
           create the environment. --legacy-ip adds IPv4 addresses.
           --no-echo makes the kernel of NAME-xdp ignore echo requests
           (sysctls set inside NAME-xdp only), so any ping reply must come
           from XDP. --force tears an existing NAME down first.
  teardown [-n NAME]           delete both namespaces and the state
                               (succeeds if already gone)
  ping     [-n NAME] [--legacy-ip] [-c COUNT] [-- PING_ARGS...]
           ping the XDP end from the peer (default COUNT 3); exits with
           ping's status
  load     [-n NAME] [--] OBJ [JBPF_LOAD_ARGS...]
           = ip netns exec NAME-xdp \$JBPF load OBJ --dev NAME ARGS...
  unload   [-n NAME]           = ip netns exec NAME-xdp \$JBPF unload --dev NAME
  status   [-n NAME]           list environments, then \$JBPF status in NAME-xdp
  stats    [-n NAME] [--] [ARGS...]  = ip netns exec NAME-xdp \$JBPF stats --dev NAME ARGS
                                   (live per-action pps and Mbit/s; e.g. -- --count 3)
  exec     [-n NAME] [--] CMD...   run CMD in netns NAME (the peer)
  exec-xdp [-n NAME] [--] CMD...   run CMD in netns NAME-xdp (the XDP end)
  info     [-n NAME]           print the environment's state (KEY=value lines)
  alias                        print an alias; eval "\$($PROG alias)" gives 't'
  help                         this text

For load/exec/exec-xdp everything from the first non-option argument (or
after "--") is passed on unchanged.

Environment variables:
  JBPF                 jbpf launcher (default: $REPO_DIR/jbpf)
  BPF_BUILD            BPF objects (default: $REPO_DIR/bpf-src/build)
  TESTENV_NO_XDP_PASS  if 1, setup does not attach xdp_pass to the peer's
                       veth0 (XDP_TX replies then do not arrive; for testing
                       the script without a working jbpf)
  TESTENV_STATE_DIR    state files (default: /run/jbpf-testenv)

Needs root and iproute2 (ip); ping needs iputils-ping.
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
}

require_jbpf() {
	[[ -x $JBPF ]] || die "jbpf launcher '$JBPF' not found or not executable (build jbpf, or set JBPF)"
}

valid_name() {
	[[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$ ]] || return 1
	# These would clash with the loopback device or sysctl directories.
	case $1 in lo | all | default) return 1 ;; esac
	return 0
}

netns_exists() {
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qxF -- "$1"
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
		valid_name "$given" || die "invalid environment name '$given' (1-11 chars of A-Z a-z 0-9 _ -, starting with a letter or digit)"
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
# lines written by this script; it is parsed, not sourced.
load_state() {
	local name=$1 f key val
	f=$(state_file "$name")
	[[ -f $f ]] || die "test environment '$name' does not exist (create it with: $PROG setup -n $name)"
	ENV_IP6_XDP='' ENV_IP4_XDP=''
	while IFS='=' read -r key val; do
		case $key in
		IP6_XDP) ENV_IP6_XDP=$val ;;
		IP4_XDP) ENV_IP4_XDP=$val ;;
		esac
	done <"$f"
	if ! netns_exists "$name" || ! netns_exists "$name-xdp"; then
		die "test environment '$name' is incomplete (namespace missing); run: $PROG teardown -n $name"
	fi
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

# Deletes NAME's namespaces (which removes the veth pair with them) and
# state. Used by teardown and to roll back a failed setup.
destroy_env() {
	local name=$1 ns
	for ns in "$name-xdp" "$name"; do
		if netns_exists "$ns"; then
			ip netns del "$ns"
		fi
	done
	rm -f "$(state_file "$name")"
	if [[ -r $(current_file) && $(<"$(current_file)") == "$name" ]]; then
		rm -f "$(current_file)"
	fi
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
	local name=$1 legacy_ip=$2 no_echo=$3 force=$4
	local num ip6_xdp ip6_peer ip4_xdp='' ip4_peer='' f

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
		echo "NETNS_XDP=$name-xdp"
		echo "IFACE_XDP=$name"
		echo "NETNS_PEER=$name"
		echo "IFACE_PEER=veth0"
		echo "IP6_XDP=$ip6_xdp"
		echo "IP6_PEER=$ip6_peer"
		echo "IP4_XDP=$ip4_xdp"
		echo "IP4_PEER=$ip4_peer"
		echo "NO_ECHO=$no_echo"
	} >"$f"
	# The number is taken now; let other setups/teardowns go on (and keep
	# the lock fd away from the jbpf process started below).
	flock -u 9
	exec 9>&-

	ip netns add "$name-xdp"
	ip netns add "$name"

	# Created inside NAME-xdp, peer moved straight into NAME: neither end
	# ever exists in the root namespace.
	ip -n "$name-xdp" link add "$name" type veth peer name veth0 netns "$name"

	ip -n "$name-xdp" link set lo up
	ip -n "$name" link set lo up

	# nodad: usable at once, no ~1s wait for duplicate address detection.
	ip -n "$name-xdp" addr add "$ip6_xdp/64" dev "$name" nodad
	ip -n "$name" addr add "$ip6_peer/64" dev veth0 nodad
	if [[ $legacy_ip -eq 1 ]]; then
		ip -n "$name-xdp" addr add "$ip4_xdp/24" dev "$name"
		ip -n "$name" addr add "$ip4_peer/24" dev veth0
	fi

	if [[ $no_echo -eq 1 ]]; then
		# Both sysctls are per network namespace: this changes NAME-xdp
		# only.
		ip netns exec "$name-xdp" sysctl -q -w net.ipv4.icmp_echo_ignore_all=1
		ip netns exec "$name-xdp" sysctl -q -w net.ipv6.icmp.echo_ignore_all=1
	fi

	ip -n "$name-xdp" link set "$name" up
	ip -n "$name" link set veth0 up

	if [[ ${TESTENV_NO_XDP_PASS:-0} != 1 ]]; then
		# veth only delivers XDP_TX'ed frames to a peer that has an XDP
		# program itself, so give the peer one that passes everything.
		ip netns exec "$name" "$JBPF" load "$BPF_BUILD/xdp_pass.o" --dev veth0 --mode native
	fi

	wait_dad "$name-xdp" "$name"
	wait_dad "$name" veth0

	echo "$name" >"$(current_file)"
	trap - EXIT INT TERM
	SETUP_ROLLBACK_NAME=''

	info "environment '$name' is ready"
	echo "  XDP end: netns $name-xdp, interface $name, $ip6_xdp${ip4_xdp:+, $ip4_xdp}"
	echo "  peer:    netns $name, interface veth0, $ip6_peer${ip4_peer:+, $ip4_peer}"
	[[ $no_echo -eq 1 ]] && echo "  kernel echo replies disabled in $name-xdp (--no-echo)"
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
	destroy_env "$name"
	info "environment '$name' removed"
}

cmd_ping() {
	local name=$1 legacy_ip=$2 count=$3
	shift 3
	local addr
	load_state "$name"
	command -v ping >/dev/null 2>&1 || die "'ping' not found - install it with: apt-get install iputils-ping"
	if [[ $legacy_ip -eq 1 ]]; then
		[[ -n $ENV_IP4_XDP ]] ||
			die "environment '$name' has no IPv4 addresses (set it up with --legacy-ip)"
		addr=$ENV_IP4_XDP
		set -- -4 "$@"
	else
		addr=$ENV_IP6_XDP
		set -- -6 "$@"
	fi
	# -i 0.2: quick for tests; -W 1: don't wait long for a reply that
	# (e.g. under XDP_DROP) never comes.
	exec ip netns exec "$name" ping -c "$count" -i 0.2 -W 1 "$@" "$addr"
}

cmd_status() {
	local name=$1 explicit=$2 f n any=0 ns_state
	echo "Test environments (state in $STATE_DIR):"
	for f in "$STATE_DIR"/*.env; do
		[[ -f $f ]] || continue
		any=1
		n=$(basename "$f" .env)
		if netns_exists "$n" && netns_exists "$n-xdp"; then
			ns_state=ok
		else
			ns_state="BROKEN (namespace missing)"
		fi
		printf '  %-11s %-7s %s %s\n' "$n" "$ns_state" \
			"$(sed -n 's/^IP6_XDP=//p' "$f")" "$(sed -n 's/^IP4_XDP=//p' "$f")"
	done
	[[ $any -eq 1 ]] || echo "  (none)"
	if [[ ! -f $(state_file "$name") ]]; then
		[[ $explicit -eq 1 ]] && die "test environment '$name' does not exist"
		return 0
	fi
	load_state "$name"
	require_jbpf
	echo
	echo "jbpf status in netns $name-xdp:"
	exec ip netns exec "$name-xdp" "$JBPF" status
}

cmd_info() {
	local name=$1
	load_state "$name"
	cat "$(state_file "$name")"
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
	setup | teardown | ping | load | unload | status | stats | exec | exec-xdp | info) ;;
	*)
		echo "$PROG: unknown command '$cmd'" >&2
		usage >&2
		exit 2
		;;
	esac

	local name_arg='' legacy_ip=0 no_echo=0 force=0 count=3
	local -a rest=()
	while [[ $# -gt 0 ]]; do
		case $1 in
		-n | --name)
			[[ $# -ge 2 ]] || usage_error "$1 needs a value"
			name_arg=$2
			shift 2
			;;
		--legacy-ip)
			[[ $cmd == setup || $cmd == ping ]] || usage_error "--legacy-ip is only for setup and ping"
			legacy_ip=1
			shift
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
	load | exec | exec-xdp | ping | stats) ;;
	*) [[ ${#rest[@]} -eq 0 ]] || usage_error "unexpected argument '${rest[0]}' for $cmd" ;;
	esac

	require_root_and_ip
	local name
	name=$(resolve_name "$name_arg")

	case $cmd in
	setup)
		cmd_setup "$name" "$legacy_ip" "$no_echo" "$force"
		;;
	teardown)
		cmd_teardown "$name"
		;;
	ping)
		cmd_ping "$name" "$legacy_ip" "$count" "${rest[@]}"
		;;
	load)
		[[ ${#rest[@]} -ge 1 ]] || usage_error "load needs an object file: $PROG load -n NAME -- OBJ [ARGS...]"
		load_state "$name"
		require_jbpf
		exec ip netns exec "$name-xdp" "$JBPF" load "${rest[0]}" --dev "$name" "${rest[@]:1}"
		;;
	unload)
		load_state "$name"
		require_jbpf
		exec ip netns exec "$name-xdp" "$JBPF" unload --dev "$name"
		;;
	status)
		cmd_status "$name" "$([[ -n $name_arg ]] && echo 1 || echo 0)"
		;;
	stats)
		load_state "$name"
		require_jbpf
		exec ip netns exec "$name-xdp" "$JBPF" stats --dev "$name" "${rest[@]}"
		;;
	exec | exec-xdp)
		[[ ${#rest[@]} -ge 1 ]] || usage_error "$cmd needs a command: $PROG $cmd -n NAME -- CMD [ARGS...]"
		load_state "$name"
		local ns=$name
		[[ $cmd == exec-xdp ]] && ns="$name-xdp"
		exec ip netns exec "$ns" "${rest[@]}"
		;;
	info)
		cmd_info "$name"
		;;
	esac
}

main "$@"
