#!/usr/bin/env bash
# Starts a real, loopback-only Kubernetes control plane from bin/k8s:
#   etcd -> kube-apiserver -> kube-controller-manager -> kube-scheduler -> kwok
# kwok plays the kubelet for Nodes annotated kwok.x-k8s.io/node=fake (or all Nodes).
# The only objects applied are hack/local-cluster/base (a CNI-like and a kube-proxy-like
# DaemonSet that tolerate everything, as every real cluster runs); the kubeconfig is
# written to .local/kubeconfig.
#
# Usage: up.sh              foreground supervisor; Ctrl-C / SIGTERM stops everything
#        up.sh --background start, write .local/cluster/pids, return; stop with down.sh
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKGROUND=false
case "${1:-}" in
"") ;;
--background | -b) BACKGROUND=true ;;
-h | --help)
	sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*) lc_die "unknown argument: $1 (try --help)" ;;
esac

# Seconds to wait for each component to become healthy (a loaded 2-core CI box is slow).
READY_TIMEOUT="${LOCAL_CLUSTER_READY_TIMEOUT:-120}"
COMPONENT_KUBECONFIG="$LC_STATE_DIR/admin.kubeconfig"
PIDS=()

preflight() {
	local name port
	command -v openssl >/dev/null || lc_die "openssl missing; run hack/local-cluster/deps.sh"
	command -v curl >/dev/null || lc_die "curl missing; run hack/local-cluster/deps.sh"
	for name in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwok-stages.yaml; do
		if [[ ! -e "$K8S_BIN_DIR/$name" ]]; then
			lc_log "$K8S_BIN_DIR/$name missing; running build.sh"
			"$LC_ROOT/hack/local-cluster/build.sh"
			break
		fi
	done
	if [[ -f "$LC_PIDS_FILE" ]]; then
		local pid
		while read -r name pid; do
			if lc_pid_is "$pid" "$name"; then
				lc_die "a local cluster is already running ($name pid $pid); stop it with hack/local-cluster/down.sh"
			fi
		done <"$LC_PIDS_FILE"
		rm -f "$LC_PIDS_FILE"
	fi
	for port in "$LC_ETCD_PORT" "$LC_ETCD_PEER_PORT" "$LC_APISERVER_PORT" "$LC_KCM_PORT" \
		"$LC_SCHEDULER_PORT" "$LC_KWOK_PORT"; do
		if lc_port_busy "$port"; then
			lc_die "127.0.0.1:$port is in use; set the LOCAL_CLUSTER_*_PORT variables (see docs/development/local-cluster.md)"
		fi
	done
	mkdir -p "$LC_STATE_DIR" "$LC_LOG_DIR" "$(dirname "$LC_KUBECONFIG")"
}

# ensure_pki creates the CA, serving cert, service-account keys and admin token once;
# they are reused on later starts so existing kubeconfigs and tokens stay valid.
ensure_pki() {
	[[ -s "$LC_PKI_DIR/admin.token" ]] && return 0
	lc_log "generating pki in $LC_PKI_DIR"
	local tmp
	tmp="$(mktemp -d "$LC_STATE_DIR/.pki.XXXXXX")"
	(
		umask 077
		cd "$tmp"
		cat >openssl.cnf <<-'EOF'
			[req]
			distinguished_name = dn
			[dn]
			[ca]
			basicConstraints = critical, CA:TRUE
			keyUsage = critical, keyCertSign, cRLSign, digitalSignature
			subjectKeyIdentifier = hash
			[serving]
			basicConstraints = critical, CA:FALSE
			keyUsage = critical, digitalSignature, keyEncipherment
			extendedKeyUsage = serverAuth
			subjectAltName = IP:127.0.0.1, IP:10.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
		EOF
		openssl genrsa -out ca.key 2048 2>/dev/null
		openssl req -x509 -new -key ca.key -subj "/CN=vpsie-local-ca" -days 3650 \
			-config openssl.cnf -extensions ca -out ca.crt
		openssl genrsa -out apiserver.key 2048 2>/dev/null
		openssl req -new -key apiserver.key -subj "/CN=kube-apiserver" -config openssl.cnf -out apiserver.csr
		openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
			-extfile openssl.cnf -extensions serving -out apiserver.crt 2>/dev/null
		openssl genrsa -out sa.key 2048 2>/dev/null
		openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
		openssl rand -hex 32 >admin.token
		echo "$(cat admin.token),admin,admin,system:masters" >tokens.csv
		rm -f apiserver.csr ca.srl
	)
	rm -rf "$LC_PKI_DIR"
	mv "$tmp" "$LC_PKI_DIR"
}

# write_kubeconfig writes a self-contained admin kubeconfig (CA embedded) to $1.
write_kubeconfig() {
	local out="$1" ca token
	ca="$(base64 -w0 <"$LC_PKI_DIR/ca.crt")"
	token="$(cat "$LC_PKI_DIR/admin.token")"
	(
		umask 077
		cat >"$out.tmp" <<-EOF
			apiVersion: v1
			kind: Config
			clusters:
			- name: vpsie-local
			  cluster:
			    server: https://127.0.0.1:$LC_APISERVER_PORT
			    certificate-authority-data: $ca
			users:
			- name: vpsie-local-admin
			  user:
			    token: $token
			contexts:
			- name: vpsie-local
			  context:
			    cluster: vpsie-local
			    user: vpsie-local-admin
			current-context: vpsie-local
		EOF
	)
	mv -f "$out.tmp" "$out"
}

# start NAME ARGS... runs bin/k8s/NAME in the background with its log in logs/NAME.log
# and records its pid. setsid gives it a session of its own: the terminal's Ctrl-C and
# hangup reach only this script, which then stops the components in order (and in
# --background mode they outlive the terminal). setsid execs in place here (the child is
# not a process group leader), so $! is the component's own pid.
start() {
	local name="$1" log="$LC_LOG_DIR/$1.log"
	shift
	lc_log "starting $name (log: ${log#"$LC_ROOT"/})"
	setsid "$K8S_BIN_DIR/$name" "$@" >"$log" 2>&1 </dev/null &
	PIDS+=("$!")
	echo "$name $!" >>"$LC_PIDS_FILE"
}

# wait_healthy NAME URL [CURL ARGS...] polls URL until it answers 2xx; fails fast if
# the component exits, and prints how long it took.
wait_healthy() {
	local name="$1" url="$2" pid="${PIDS[-1]}" begin=$SECONDS begin_ms
	begin_ms="$(lc_now_ms)"
	shift 2
	until curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; do
		if ! lc_pid_starting "$pid" "$name"; then
			tail -n 20 "$LC_LOG_DIR/$name.log" >&2 || true
			lc_die "$name exited during startup (log: $LC_LOG_DIR/$name.log)"
		fi
		if ((SECONDS - begin > READY_TIMEOUT)); then
			tail -n 20 "$LC_LOG_DIR/$name.log" >&2 || true
			lc_die "$name not healthy at $url after ${READY_TIMEOUT}s"
		fi
		sleep 0.2
	done
	lc_log "$name healthy after $(lc_secs_since "$begin_ms")s"
}

start_etcd() {
	local fsync=()
	# The local cluster is disposable: skipping fsync makes every write several times faster.
	[[ "${LOCAL_CLUSTER_ETCD_FSYNC:-false}" == true ]] || fsync=(--unsafe-no-fsync)
	start etcd \
		--name=local \
		--data-dir="$LC_STATE_DIR/etcd" \
		--listen-client-urls="http://127.0.0.1:$LC_ETCD_PORT" \
		--advertise-client-urls="http://127.0.0.1:$LC_ETCD_PORT" \
		--listen-peer-urls="http://127.0.0.1:$LC_ETCD_PEER_PORT" \
		--initial-advertise-peer-urls="http://127.0.0.1:$LC_ETCD_PEER_PORT" \
		--initial-cluster="local=http://127.0.0.1:$LC_ETCD_PEER_PORT" \
		--log-level=warn \
		"${fsync[@]}"
	wait_healthy etcd "http://127.0.0.1:$LC_ETCD_PORT/health"
}

# --endpoint-reconciler-type=none: the default Service "kubernetes" cannot point at a
# loopback address (validation rejects 127.0.0.1 and the apiserver logs it forever), and
# nothing needs it because kwok's pods never run.
start_apiserver() {
	local issuer="https://kubernetes.default.svc.cluster.local"
	start kube-apiserver \
		--etcd-servers="http://127.0.0.1:$LC_ETCD_PORT" \
		--bind-address=127.0.0.1 \
		--advertise-address=127.0.0.1 \
		--endpoint-reconciler-type=none \
		--secure-port="$LC_APISERVER_PORT" \
		--cert-dir="$LC_STATE_DIR/apiserver-certs" \
		--tls-cert-file="$LC_PKI_DIR/apiserver.crt" \
		--tls-private-key-file="$LC_PKI_DIR/apiserver.key" \
		--client-ca-file="$LC_PKI_DIR/ca.crt" \
		--token-auth-file="$LC_PKI_DIR/tokens.csv" \
		--authorization-mode=RBAC \
		--service-account-key-file="$LC_PKI_DIR/sa.pub" \
		--service-account-signing-key-file="$LC_PKI_DIR/sa.key" \
		--service-account-issuer="$issuer" \
		--api-audiences="$issuer" \
		--service-cluster-ip-range="$LC_SERVICE_CIDR" \
		--disable-admission-plugins=ServiceAccount \
		--allow-privileged=true
	wait_healthy kube-apiserver "https://127.0.0.1:$LC_APISERVER_PORT/readyz" --cacert "$LC_PKI_DIR/ca.crt"
}

# Flags kube-controller-manager and kube-scheduler share: the admin kubeconfig for API
# calls and for authenticating/authorizing requests to their own endpoints (by token
# review only: there is no front proxy, so the request-header CA lookup is skipped).
component_flags() {
	printf '%s\n' \
		--kubeconfig="$COMPONENT_KUBECONFIG" \
		--authentication-kubeconfig="$COMPONENT_KUBECONFIG" \
		--authorization-kubeconfig="$COMPONENT_KUBECONFIG" \
		--authentication-skip-lookup=true \
		--bind-address=127.0.0.1 \
		--leader-elect=false
}

start_controller_manager() {
	local common=()
	mapfile -t common < <(component_flags)
	# Default controllers: garbage collection, node lifecycle, PDB status (disruption),
	# deployments/replicasets, namespaces, service accounts, ... Cloud controllers are
	# not part of kube-controller-manager any more, so nothing needs disabling. The client
	# rate is raised from 20/s so ReplicaSets create a thousand pods in seconds, as a real
	# control plane sized for that would.
	start kube-controller-manager "${common[@]}" \
		--secure-port="$LC_KCM_PORT" \
		--service-account-private-key-file="$LC_PKI_DIR/sa.key" \
		--root-ca-file="$LC_PKI_DIR/ca.crt" \
		--cluster-signing-cert-file="$LC_PKI_DIR/ca.crt" \
		--cluster-signing-key-file="$LC_PKI_DIR/ca.key" \
		--kube-api-qps=200 \
		--kube-api-burst=400
	wait_healthy kube-controller-manager "https://127.0.0.1:$LC_KCM_PORT/healthz" -k
}

start_scheduler() {
	local common=()
	mapfile -t common < <(component_flags)
	# The scheduler's client rate (50/s by default) is raised for the same reason; the flags are
	# deprecated in favour of a config file but still honoured without one.
	start kube-scheduler "${common[@]}" --secure-port="$LC_SCHEDULER_PORT" --kube-api-qps=200 --kube-api-burst=400
	wait_healthy kube-scheduler "https://127.0.0.1:$LC_SCHEDULER_PORT/healthz" -k
}

# kwok_stages writes kwok's default stages with one change: node-initialize, which makes a
# Node Ready at once, skips Nodes annotated vpsie-sim.vpsie.com/kubelet-starting. vpsie-sim's
# kubelet registers a Node with that annotation and kwok's (kwok starts managing a Node only
# when it first sees it: its lease, its pods), keeps it NotReady for its ready delay, then
# makes it Ready and removes the annotation, as a real kubelet goes Ready once its CNI is up.
kwok_stages() {
	local out="$LC_STATE_DIR/kwok-stages.yaml"
	awk '
		/^  name: / { in_init = ($2 == "node-initialize") }
		{ print }
		in_init && /^    matchExpressions:/ {
			print "    - key: '\''.metadata.annotations[\"vpsie-sim.vpsie.com/kubelet-starting\"]'\''"
			print "      operator: '\''DoesNotExist'\''"
			in_init = 0
		}
	' "$K8S_BIN_DIR/kwok-stages.yaml" >"$out.tmp"
	grep -q 'vpsie-sim.vpsie.com/kubelet-starting' "$out.tmp" || lc_die "no node-initialize stage in $K8S_BIN_DIR/kwok-stages.yaml"
	pod_ready_again >>"$out.tmp"
	mv -f "$out.tmp" "$out"
}

# pod_ready_again is a stage kwok's defaults lack: a Running pod whose Ready condition is not
# True is made Ready again. The node lifecycle controller marks every pod of a node NotReady
# when the node misses its heartbeats; a real kubelet, once its node is back, reports its
# running containers ready again and the pods' Ready follows. kwok's pod-ready stage only
# matches Pending pods, so without this one a node that missed a heartbeat on a loaded
# machine left its pods NotReady for ever, and every PodDisruptionBudget over them at zero
# disruptions: stricter than any real cluster, and in a way no real cluster is.
pod_ready_again() {
	cat <<'EOF'
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready-again
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: 'NotIn'
      values:
      - 'True'
  delay:
    durationMilliseconds: 1000
  next:
    statusTemplate: |
      {{ $now := Now }}

      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: ContainersReady
EOF
}

start_kwok() {
	local manage
	case "$LC_KWOK_MANAGE" in
	annotation) manage=--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake ;;
	all) manage=--manage-all-nodes=true ;;
	*) lc_die "LOCAL_CLUSTER_KWOK_MANAGE must be 'annotation' or 'all', not '$LC_KWOK_MANAGE'" ;;
	esac
	# kwok also reads ~/.kwok/kwok.yaml when present; a private HOME keeps a developer's
	# own kwok settings out of this cluster.
	mkdir -p "$LC_STATE_DIR/kwok-home"
	kwok_stages
	HOME="$LC_STATE_DIR/kwok-home" start kwok \
		--kubeconfig="$COMPONENT_KUBECONFIG" \
		--config="$LC_STATE_DIR/kwok-stages.yaml" \
		"$manage" \
		--cidr="$LC_POD_CIDR" \
		--node-ip=127.0.0.1 \
		--node-lease-duration-seconds=40 \
		--server-address="127.0.0.1:$LC_KWOK_PORT"
	wait_healthy kwok "http://127.0.0.1:$LC_KWOK_PORT/healthz"
}

# apply_base creates what every real cluster runs on every node (hack/local-cluster/base).
apply_base() {
	lc_log "applying hack/local-cluster/base"
	"$K8S_BIN_DIR/kubectl" --kubeconfig="$COMPONENT_KUBECONFIG" apply -f "$LC_ROOT/hack/local-cluster/base" >/dev/null
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	lc_stop_from_pids_file
	exit "$status"
}

# supervise waits until a component dies (then stops the rest) or a signal arrives.
supervise() {
	local pid name
	while true; do
		wait -n "${PIDS[@]}" || true
		while read -r name pid; do
			if ! lc_pid_is "$pid" "$name"; then
				lc_log "$name (pid $pid) exited; stopping the cluster (log: $LC_LOG_DIR/$name.log)"
				exit 1
			fi
		done <"$LC_PIDS_FILE"
	done
}

main() {
	preflight
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	ensure_pki
	write_kubeconfig "$COMPONENT_KUBECONFIG"

	local begin
	begin="$(lc_now_ms)"
	start_etcd
	start_apiserver
	start_controller_manager
	start_scheduler
	start_kwok
	apply_base
	write_kubeconfig "$LC_KUBECONFIG"
	lc_log "local cluster ready in $(lc_secs_since "$begin")s; logs in $LC_LOG_DIR"
	echo "export KUBECONFIG=$LC_KUBECONFIG"

	if $BACKGROUND; then
		trap - EXIT INT TERM
		lc_log "running in the background (pids in $LC_PIDS_FILE); stop with hack/local-cluster/down.sh"
		return 0
	fi
	lc_log "press Ctrl-C to stop"
	supervise
}

main "$@"
