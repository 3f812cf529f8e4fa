#!/usr/bin/env bash
# Local mode: the whole product on one machine, on 127.0.0.1.
#   local cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok)
#   -> embedded Temporal server (SQLite in .local/temporal.db) with its Web UI on :8233
#   -> VPSie simulator (HTTPS :8444, registers Nodes for running VMs)
#   -> CRDs, the simulator's credentials Secret and an example NodeGroup
#   -> the autoscaler (config/local.yaml)
#   -> Prometheus on :9090 scraping it, with the product's rules (when Debian's prometheus is installed)
# Ctrl-C (or SIGTERM) stops everything it started.
#
# Usage: hack/dev.sh           run until interrupted
#        hack/dev.sh --check   bring everything up, verify it end to end, stop (CI smoke test)
#
# State lives in .local/ (VPSIE_DEV_DIR), on the default ports above (VPSIE_DEV_*_PORT and the
# LOCAL_CLUSTER_*_PORT variables override them). --check uses a fresh temporary state dir and free
# ports unless told otherwise, so `make test` can run next to a developer's `make dev`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=local-cluster/lib.sh
source hack/local-cluster/lib.sh
BIN="$ROOT/bin"
CHECK=false
case "${1:-}" in
"") ;;
--check) CHECK=true ;;
-h | --help)
	sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	exit 0
	;;
*)
	echo "unknown argument: $1 (try --help)" >&2
	exit 2
	;;
esac

TEMP_DIR=""
if $CHECK; then
	if [[ -z "${VPSIE_DEV_DIR:-}" ]]; then
		TEMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vpsie-dev-check.XXXXXX")"
		VPSIE_DEV_DIR="$TEMP_DIR"
	fi
	VPSIE_DEV_BOOT_DELAY="${VPSIE_DEV_BOOT_DELAY:-2s}"
	for var in VPSIE_DEV_TEMPORAL_PORT VPSIE_DEV_UI_PORT VPSIE_DEV_SIM_PORT VPSIE_DEV_METRICS_PORT \
		VPSIE_DEV_HEALTH_PORT VPSIE_DEV_PROMETHEUS_PORT LOCAL_CLUSTER_ETCD_PORT LOCAL_CLUSTER_ETCD_PEER_PORT LOCAL_CLUSTER_APISERVER_PORT \
		LOCAL_CLUSTER_KCM_PORT LOCAL_CLUSTER_SCHEDULER_PORT LOCAL_CLUSTER_KWOK_PORT; do
		[[ -n "${!var:-}" ]] || lc_pick_port "$var"
	done
fi
LOCAL="${VPSIE_DEV_DIR:-$ROOT/.local}"
LOGS="$LOCAL/logs"
TEMPORAL_PORT="${VPSIE_DEV_TEMPORAL_PORT:-7233}"
UI_PORT="${VPSIE_DEV_UI_PORT:-8233}"
SIM_ADDR="127.0.0.1:${VPSIE_DEV_SIM_PORT:-8444}"
METRICS_ADDR="127.0.0.1:${VPSIE_DEV_METRICS_PORT:-8080}"
HEALTH_ADDR="127.0.0.1:${VPSIE_DEV_HEALTH_PORT:-8081}"
PROMETHEUS_ADDR="127.0.0.1:${VPSIE_DEV_PROMETHEUS_PORT:-9090}"
# Prometheus (Debian's prometheus package, hack/local-cluster/deps.sh) scrapes the autoscaler with the
# product's alert and SLO rules loaded, when it is installed.
PROMETHEUS_BIN="$(command -v prometheus || true)"
SIM_CA="$LOCAL/vpsie-sim-ca.pem"
export LOCAL_CLUSTER_STATE_DIR="$LOCAL/cluster" LOCAL_CLUSTER_KUBECONFIG="$LOCAL/kubeconfig"
export KUBECONFIG="$LOCAL/kubeconfig"
KUBECTL=("$BIN/k8s/kubectl" --kubeconfig "$KUBECONFIG")

PIDS=() # components, in start order, and their binaries' names (so a recycled pid is never signalled)
EXES=()
CLUSTER_STARTED=false
log() { printf '\033[1m== dev: %s\033[0m\n' "$*"; }

# stop_component PID EXE sends TERM and waits; after 45 s (the autoscaler drains for up to 30 s) it KILLs, so a
# hung component cannot keep the stop, which ignores further signals, waiting forever.
stop_component() {
	local pid=$1 exe=$2 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 450; i++)); do
		lc_pid_is "$pid" "$exe" || break
		sleep 0.1
	done
	if lc_pid_is "$pid" "$exe"; then
		echo "dev: $exe (pid $pid) ignored TERM for 45 s; killing" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local code=$?
	# A second Ctrl-C must not cut the stop short: the components run in their own sessions and would be left.
	trap '' INT TERM
	trap - EXIT
	log "stopping"
	# Reverse start order: the autoscaler drains its worker while Temporal is still up.
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		stop_component "${PIDS[i]}" "${EXES[i]}"
	done
	# Only a cluster this run started is stopped: when up.sh refused (one already runs), it stays.
	if $CLUSTER_STARTED; then
		hack/local-cluster/down.sh >/dev/null 2>&1 || true
	fi
	if [[ -n "$TEMP_DIR" ]]; then
		((code == 0)) || tail -n 20 "$LOGS"/*.log 2>/dev/null >&2 || true
		rm -rf "$TEMP_DIR"
		log "stopped"
	else
		log "stopped (logs in $LOGS)"
	fi
	exit "$code"
}
# Refuse early, naming the port, rather than let a component die (or a leftover answer in its place) later.
for addr in "127.0.0.1:$TEMPORAL_PORT" "127.0.0.1:$UI_PORT" "$SIM_ADDR" "$METRICS_ADDR" "$HEALTH_ADDR" \
	${PROMETHEUS_BIN:+"$PROMETHEUS_ADDR"}; do
	if lc_port_busy "${addr##*:}"; then
		echo "dev: $addr is in use (local mode already running? a leftover process?); stop it or set the" \
			"VPSIE_DEV_*_PORT variables (docs/development/local-mode.md)" >&2
		[[ -z "$TEMP_DIR" ]] || rm -rf "$TEMP_DIR"
		exit 1
	fi
done

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for runs a probe command until it succeeds or the timeout passes.
wait_for() {
	local what=$1 timeout=$2
	shift 2
	local deadline=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS > deadline)); then
			echo "dev: $what not ready after ${timeout}s; see $LOGS" >&2
			return 1
		fi
		sleep 0.5
	done
}

# sim_api METHOD PATH [CURL ARGS...] calls the simulator's shape-A API as the autoscaler would.
sim_api() {
	local method=$1 path=$2
	shift 2
	curl -fsS --cacert "$SIM_CA" -X "$method" -H "Authorization: Bearer $SIM_TOKEN" "$@" "https://$SIM_ADDR/v2$path"
}

vm_status() { # vm_status ID WANT: the simulator reports the VM (gone: 404) in state WANT
	if [[ $2 == gone ]]; then
		[[ $(curl -sS -o /dev/null -w '%{http_code}' --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
			"https://$SIM_ADDR/v2/vm/$1") == 404 ]]
	else
		[[ $(sim_api GET "/vm/$1" | jq -r .status) == "$2" ]]
	fi
}

gone() { ! "${KUBECTL[@]}" get "$@" >/dev/null 2>&1; }

# check_termination: a VM made in the simulator and the VPSieNode that stands for it; deleting the VPSieNode
# runs the whole path (finalizer -> controller -> Temporal workflow -> activity -> simulator) and takes the
# VM and its Node with it.
check_termination() {
	local host=dev-check-1 vm uid
	SIM_TOKEN=$(curl -fsS --cacert "$SIM_CA" --data-urlencode clientId=sim-client \
		--data-urlencode clientSecret=sim-secret "https://$SIM_ADDR/v2/auth/from/api" | jq -r .accessToken.token)
	# As a creator does: the VPSieNode first, then its VPS with the ownership tags (workflows/contract/tags.go;
	# cluster "local" from config/local.yaml) that make the VPS ours, including the object's UID.
	"${KUBECTL[@]}" apply -f - >/dev/null <<-EOF
		apiVersion: autoscaler.vpsie.com/v1alpha1
		kind: VPSieNode
		metadata: {name: $host, namespace: kube-system}
		spec: {nodeGroup: general, offeringID: std-2c-4g, datacenterID: ams1, imageID: ubuntu-24.04-x64, hostname: $host}
	EOF
	uid=$("${KUBECTL[@]}" -n kube-system get vpsienode "$host" -o jsonpath='{.metadata.uid}')
	# Its own bootstrap token, as the product issues one: the strict simulator joins no VM whose token has no Secret.
	"${KUBECTL[@]}" -n kube-system create secret generic bootstrap-token-devchk --type bootstrap.kubernetes.io/token \
		--from-literal=token-id=devchk --from-literal=token-secret=0123456789abcdef \
		--from-literal=usage-bootstrap-authentication=true \
		--from-literal=expiration="$(date -u -d '+10 minutes' +%Y-%m-%dT%H:%M:%SZ)" \
		--dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
	# User data as the product's: a kubelet installed (the simulated kubelet registers no Node without one), the
	# labels that prove the Node ours (there is no provider ID: a VPS cannot know its id when its user data is written)
	# and a kubeadm join with the token.
	vm=$(jq -n --arg h "$host" --arg uid "$uid" '{hostname: $h, offering_id: "std-2c-4g", datacenter_id: "ams1",
		os_image_id: "ubuntu-24.04-x64", user_data: ("#cloud-config\nwrite_files:\n  - path: /etc/default/kubelet\n" +
			"    content: |\n      KUBELET_EXTRA_ARGS=--node-labels=autoscaler.vpsie.com/managed=true," +
			"autoscaler.vpsie.com/nodegroup=general,autoscaler.vpsie.com/vpsienode=\($h)\n" +
			"runcmd:\n  - apt-get install -y kubelet=1.36.3-1.1\n" +
			"  - kubeadm join 127.0.0.1:6443 --token devchk.0123456789abcdef --discovery-token-unsafe-skip-ca-verification\n"),
		tags: ["env:local", "vpsie-autoscaler:cluster=local",
			"vpsie-autoscaler:vpsienode=kube-system.\($h)", "vpsie-autoscaler:uid=\($uid)"]}' |
		sim_api POST /vm -H 'Content-Type: application/json' --data-binary @- | jq -r .identifier)
	wait_for "VM $vm running" 60 vm_status "$vm" running
	wait_for "Node $host registered by the simulator" 60 "${KUBECTL[@]}" get node "$host"
	wait_for "finalizer on VPSieNode $host" 60 has_finalizer "$host"
	"${KUBECTL[@]}" -n kube-system delete vpsienode "$host" --wait=false >/dev/null
	wait_for "VM $vm deleted by the terminate workflow" 90 vm_status "$vm" gone
	wait_for "Node $host removed" 60 gone node "$host"
	wait_for "VPSieNode $host released" 60 gone -n kube-system vpsienode "$host"
	log "VPSieNode deletion took VM $vm and Node $host with it"
}

publish_cluster_info() {
	local server ca info="$LOCAL/cluster-info.kubeconfig"
	server=$("${KUBECTL[@]}" config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.server}')
	ca=$("${KUBECTL[@]}" config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
	printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: ""\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n' \
		"$server" "$ca" >"$info"
	"${KUBECTL[@]}" create namespace kube-public --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
	"${KUBECTL[@]}" -n kube-public create configmap cluster-info --from-file=kubeconfig="$info" \
		--dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
}

has_finalizer() {
	[[ $("${KUBECTL[@]}" -n kube-system get vpsienode "$1" -o jsonpath='{.metadata.finalizers}') == *vps-termination* ]]
}

# nodegroup_at_min: the example NodeGroup (minNodes 1) has a Ready VPSieNode made by ScaleUp.
nodegroup_at_min() {
	[[ $("${KUBECTL[@]}" -n kube-system get vpsienodes -l autoscaler.vpsie.com/nodegroup=general \
		-o jsonpath='{.items[*].status.phase}') == Ready ]]
}

# workload_running: the 6 replicas of deploy/examples/workload.yaml are Running.
workload_running() {
	[[ $("${KUBECTL[@]}" -n default get pods -l app=needs-more-nodes --field-selector=status.phase=Running \
		-o name | wc -l) -eq 6 ]]
}

nodegroup_observed() {
	[[ $("${KUBECTL[@]}" -n kube-system get nodegroup general -o jsonpath='{.status.observedGeneration}') == 1 ]]
}

prometheus_scrapes() { # the autoscaler's loop metrics reached Prometheus
	curl -fsS "http://$PROMETHEUS_ADDR/api/v1/query?query=vpsie_autoscaler_loop_interval_seconds" | grep -q '"loop"'
}

start() { # start NAME CMD...: run in the background, logging to $LOGS/NAME.log
	local name=$1
	shift
	# In a session of its own, so the terminal's Ctrl-C reaches only this script, whose cleanup stops the
	# components one by one (a second signal would make the autoscaler exit without draining).
	setsid "$@" >"$LOGS/$name.log" 2>&1 &
	PIDS+=($!)
	EXES+=("${1##*/}")
}

mkdir -p "$LOGS"
log "building binaries"
hack/local-cluster/build.sh >"$LOGS/build.log" 2>&1 || { cat "$LOGS/build.log"; exit 1; }
# DEV_BUILD_FLAGS: extra go build flags (make e2e passes -race, to reuse the race build make test compiled).
read -ra build_flags <<<"${DEV_BUILD_FLAGS:-}"
go build "${build_flags[@]}" -o "$BIN/" ./cmd/autoscaler ./cmd/vpsie-sim ./cmd/temporal-dev

log "starting the local cluster"
# up.sh stops what it started when it fails, so cleanup needs to stop the cluster only once it is up.
hack/local-cluster/up.sh --background >"$LOGS/cluster.log" 2>&1 || { cat "$LOGS/cluster.log"; exit 1; }
CLUSTER_STARTED=true

log "starting Temporal (gRPC 127.0.0.1:$TEMPORAL_PORT, Web UI http://127.0.0.1:$UI_PORT)"
start temporal "$BIN/temporal-dev" --db-file "$LOCAL/temporal.db" --ip 127.0.0.1 --port "$TEMPORAL_PORT" \
	--ui-port "$UI_PORT"
wait_for "Temporal Web UI" 120 curl -fsS "http://127.0.0.1:$UI_PORT/"

log "starting the VPSie simulator (https://$SIM_ADDR)"
start vpsie-sim "$BIN/vpsie-sim" --listen "$SIM_ADDR" --tls-self-signed --tls-ca-out "$SIM_CA" \
	--state "$LOCAL/vpsie-sim.json" --kubeconfig "$KUBECONFIG" --boot-delay "${VPSIE_DEV_BOOT_DELAY:-20s}" --listing-lag 2s
wait_for "VPSie simulator" 60 curl -fsS --cacert "$SIM_CA" "https://$SIM_ADDR/admin/state"

log "applying CRDs, credentials and the example NodeGroup"
"${KUBECTL[@]}" apply -f deploy/crds/ >/dev/null
"${KUBECTL[@]}" wait --for condition=established --timeout=60s crd/nodegroups.autoscaler.vpsie.com crd/vpsienodes.autoscaler.vpsie.com >/dev/null
"${KUBECTL[@]}" -n kube-system create secret generic vpsie-secret \
	--from-literal=clientId=sim-client --from-literal=clientSecret=sim-secret \
	--from-literal=url="https://$SIM_ADDR/v2" --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
# What kubeadm publishes for a joining node: kube-public/cluster-info, the API server's address and CA (no
# credentials). New nodes get their own bootstrap tokens (scaleUp.joinMode perNodeToken) and read the endpoint and
# CA hash of their kubeadm join from it; the simulator checks each token as the API server would.
publish_cluster_info
"${KUBECTL[@]}" apply -f deploy/examples/nodegroup.yaml >/dev/null

log "starting the autoscaler (metrics $METRICS_ADDR, probes $HEALTH_ADDR)"
# config/local.yaml holds the defaults; the flags follow this run's state dir and ports.
start autoscaler "$BIN/autoscaler" --config config/local.yaml --controller.kubeconfig "$KUBECONFIG" \
	--temporal.address "127.0.0.1:$TEMPORAL_PORT" --vpsie.base-url "https://$SIM_ADDR/v2" \
	--vpsie.ca-file "$SIM_CA" --metrics.bind-address "$METRICS_ADDR" --health.bind-address "$HEALTH_ADDR"
wait_for "autoscaler readiness" 90 curl -fsS "http://$HEALTH_ADDR/readyz"

prometheus_note="Prometheus: not installed (apt-get install prometheus), so none started"
if [[ -n "$PROMETHEUS_BIN" ]]; then
	log "starting Prometheus (http://$PROMETHEUS_ADDR, scraping $METRICS_ADDR)"
	cat >"$LOCAL/prometheus.yml" <<PROM
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$ROOT/deploy/prometheus/alerts.yaml", "$ROOT/deploy/prometheus/slo.yaml"]
scrape_configs:
  - job_name: vpsie-autoscaler
    static_configs: [{targets: ["$METRICS_ADDR"]}]
PROM
	start prometheus "$PROMETHEUS_BIN" --config.file "$LOCAL/prometheus.yml" --storage.tsdb.path "$LOCAL/prometheus" \
		--web.listen-address "$PROMETHEUS_ADDR"
	wait_for "Prometheus" 60 curl -fsS "http://$PROMETHEUS_ADDR/-/ready"
	prometheus_note="open http://$PROMETHEUS_ADDR/alerts                          # Prometheus: the product's alerts and rules"
fi

cat <<EOF

  Local mode is up. In another terminal:

    export KUBECONFIG=$KUBECONFIG
    bin/k8s/kubectl get nodegroups,vpsienodes -A
    bin/k8s/kubectl get nodes
    open http://127.0.0.1:$UI_PORT                                   # Temporal Web UI
    curl -s --cacert $SIM_CA https://$SIM_ADDR/admin/state       # what the simulator holds
    curl -s http://$METRICS_ADDR/metrics | grep vpsie_autoscaler_
    $prometheus_note

  Logs: $LOGS/*.log   Stop: Ctrl-C

EOF

if $CHECK; then
	log "checking"
	wait_for "NodeGroup status from the controller" 60 nodegroup_observed
	"${KUBECTL[@]}" -n kube-system get nodegroup general
	metrics=$(curl -fsS "http://$METRICS_ADDR/metrics")
	grep -q 'vpsie_autoscaler_nodegroup_min_nodes{namespace="kube-system",nodegroup="general"} 1' <<<"$metrics"
	curl -fsS "http://127.0.0.1:$UI_PORT/api/v1/namespaces" >/dev/null
	if [[ -n "$PROMETHEUS_BIN" ]]; then
		wait_for "Prometheus scraping the autoscaler" 60 prometheus_scrapes
	fi
	wait_for "the example NodeGroup grown to minNodes by a ScaleUp workflow" 120 nodegroup_at_min
	"${KUBECTL[@]}" apply -f deploy/examples/workload.yaml >/dev/null
	wait_for "every pod of the example workload Running on nodes the scale-up made" 240 workload_running
	"${KUBECTL[@]}" get vpsienodes,nodes -A
	"${KUBECTL[@]}" delete -f deploy/examples/workload.yaml --wait=false >/dev/null
	check_termination
	log "check passed"
	exit 0
fi

tail -n +1 -f "$LOGS/autoscaler.log" &
PIDS+=($!)
EXES+=(tail)
# Stay up until Ctrl-C, or until any component exits (then stop the rest).
wait -n "${PIDS[@]}" || true
echo "dev: a component exited; see $LOGS" >&2
exit 1
