# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are used by the scripts that source this file
# Shared settings for the local cluster scripts; sourced, never executed.
# Every path and port can be overridden from the environment.

LC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Binaries (build.sh writes them, up.sh runs them; also KUBEBUILDER_ASSETS for envtest).
K8S_BIN_DIR="${K8S_BIN_DIR:-$LC_ROOT/bin/k8s}"

# Runtime state: pki, etcd data, logs, pids.
LC_STATE_DIR="${LOCAL_CLUSTER_STATE_DIR:-$LC_ROOT/.local/cluster}"
LC_KUBECONFIG="${LOCAL_CLUSTER_KUBECONFIG:-$LC_ROOT/.local/kubeconfig}"
LC_PKI_DIR="$LC_STATE_DIR/pki"
LC_LOG_DIR="$LC_STATE_DIR/logs"
LC_PIDS_FILE="$LC_STATE_DIR/pids"

# Ports, all on 127.0.0.1. Defaults are the upstream ones so kubectl habits carry over;
# override them when a real cluster runs on the same machine.
LC_ETCD_PORT="${LOCAL_CLUSTER_ETCD_PORT:-2379}"
LC_ETCD_PEER_PORT="${LOCAL_CLUSTER_ETCD_PEER_PORT:-2380}"
LC_APISERVER_PORT="${LOCAL_CLUSTER_APISERVER_PORT:-6443}"
LC_KCM_PORT="${LOCAL_CLUSTER_KCM_PORT:-10257}"
LC_SCHEDULER_PORT="${LOCAL_CLUSTER_SCHEDULER_PORT:-10259}"
LC_KWOK_PORT="${LOCAL_CLUSTER_KWOK_PORT:-10247}"

# Which nodes kwok plays the kubelet for: "annotation" (kwok.x-k8s.io/node=fake) or "all".
LC_KWOK_MANAGE="${LOCAL_CLUSTER_KWOK_MANAGE:-annotation}"

LC_SERVICE_CIDR="${LOCAL_CLUSTER_SERVICE_CIDR:-10.0.0.0/24}"
LC_POD_CIDR="${LOCAL_CLUSTER_POD_CIDR:-10.244.0.0/16}"

# Component names in start order; down.sh stops them in reverse.
LC_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# lc_now_ms prints the wall clock in milliseconds (for timings printed by the scripts).
lc_now_ms() {
	local us="${EPOCHREALTIME//[.,]/}"
	echo $((us / 1000))
}

# lc_secs_since START_MS prints the seconds elapsed since START_MS with one decimal.
lc_secs_since() {
	local ms=$(($(lc_now_ms) - $1))
	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

lc_log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

lc_die() {
	lc_log "error: $*"
	exit 1
}

# lc_port_busy PORT succeeds when something listens on 127.0.0.1:PORT.
lc_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# lc_pick_port VAR exports VAR as a random free loopback port not handed out before by this
# shell. Ports come from below the kernel's ephemeral range, so no outgoing connection of
# another process can take one between this check and the bind (CI once failed like that).
# It assigns instead of printing: in a $(...) subshell LC_USED_PORTS would be lost.
LC_USED_PORTS=" "
lc_pick_port() {
	local low=10000 span ephemeral port
	read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range
	span=$((ephemeral - low))
	((span >= 1000)) || span=20000
	while true; do
		port=$((low + (RANDOM * 32768 + RANDOM) % span))
		if [[ "$LC_USED_PORTS" != *" $port "* ]] && ! lc_port_busy "$port"; then
			LC_USED_PORTS+="$port "
			export "$1=$port"
			return
		fi
	done
}

# lc_pid_is PID NAME succeeds when PID is alive and runs the binary NAME, so a recycled
# pid is never signalled. An exited process waiting to be reaped (zombie) has no exe link,
# so it counts as stopped, unlike with `kill -0`.
lc_pid_is() {
	local pid="$1" name="$2" exe
	exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
	[[ "${exe% (deleted)}" == */"$name" ]]
}

# lc_pid_starting PID NAME succeeds while PID is alive and runs NAME or has not exec'd it
# yet: a component started with `setsid BIN &` is bash, then setsid, and only then BIN, and
# on a loaded machine the first health check can come before the last exec (a component
# taken for "exited during startup" with an empty log). An exited one (zombie) has no exe.
lc_pid_starting() {
	local pid="$1" name="$2" exe
	exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
	exe="${exe% (deleted)}"
	[[ "$exe" == */"$name" || "$exe" == */bash || "$exe" == */setsid ]]
}

# lc_stop_pid NAME PID sends TERM, waits up to 20 s, then KILLs.
lc_stop_pid() {
	local name="$1" pid="$2" i
	lc_pid_is "$pid" "$name" || return 0
	lc_log "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 200; i++)); do
		lc_pid_is "$pid" "$name" || return 0
		sleep 0.1
	done
	lc_log "$name (pid $pid) ignored TERM; killing"
	kill -KILL "$pid" 2>/dev/null || true
}

# lc_stop_from_pids_file stops every component listed in the pids file, last started first.
lc_stop_from_pids_file() {
	[[ -f "$LC_PIDS_FILE" ]] || return 0
	local lines=() name pid i
	mapfile -t lines <"$LC_PIDS_FILE"
	for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
		read -r name pid <<<"${lines[i]}"
		[[ -n "${pid:-}" ]] && lc_stop_pid "$name" "$pid"
	done
	rm -f "$LC_PIDS_FILE"
}

# lc_kubectl runs the built kubectl against the local cluster.
lc_kubectl() {
	"$K8S_BIN_DIR/kubectl" --kubeconfig "$LC_KUBECONFIG" "$@"
}
