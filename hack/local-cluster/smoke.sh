#!/usr/bin/env bash
# End-to-end check of the local cluster: build (cached), up.sh --background, then
#   - a Node annotated kwok.x-k8s.io/node=fake stays Ready (kwok),
#   - a 2-replica Deployment is scheduled onto it (kube-scheduler) and Running (kwok),
#   - a PodDisruptionBudget gets status (kube-controller-manager),
#   - a Running pod marked NotReady (as when its node missed heartbeats) is Ready again (kwok),
#   - a deleted pod finishes terminating (kwok) and a deleted Deployment's pods are
#     garbage-collected (kube-controller-manager),
# and down.sh leaves no process behind. Exits non-zero on any failure.
#
# It uses its own state dir and free ports, so it can run next to a developer's cluster.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SMOKE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/vpsie-local-cluster-smoke.XXXXXX")"
TIMEOUT="${SMOKE_TIMEOUT:-120}"
NODE=smoke-node-1

export LOCAL_CLUSTER_STATE_DIR="$SMOKE_DIR/cluster"
export LOCAL_CLUSTER_KUBECONFIG="$SMOKE_DIR/kubeconfig"
export LOCAL_CLUSTER_KWOK_MANAGE=annotation
for var in ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT; do
	lc_pick_port "LOCAL_CLUSTER_$var"
done
# Re-read lib.sh so its paths and ports follow the overrides above.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PIDS_COPY="$SMOKE_DIR/pids.copy"
FAILED=true

finish() {
	local status=$?
	trap - EXIT
	if $FAILED; then
		lc_log "FAILED; component logs:"
		for f in "$LC_LOG_DIR"/*.log; do
			[[ -f "$f" ]] && { echo "--- $f (last 15 lines)"; tail -n 15 "$f"; }
		done >&2
	fi
	if [[ -f "$LC_PIDS_FILE" ]]; then
		"$LC_ROOT/hack/local-cluster/down.sh" || status=1
	fi
	rm -rf "$SMOKE_DIR"
	exit "$status"
}
trap finish EXIT

# until_ok DESCRIPTION CMD... retries CMD until it succeeds or TIMEOUT passes, and logs
# when it first held, relative to CHECKS_START (when the test objects were created).
CHECKS_START=0
until_ok() {
	local what="$1" begin
	shift
	begin="$(lc_now_ms)"
	until "$@" >/dev/null 2>&1; do
		if (($(lc_now_ms) - begin > TIMEOUT * 1000)); then
			lc_die "timed out after ${TIMEOUT}s waiting for: $what"
		fi
		sleep 0.2
	done
	lc_log "ok: $what (t+$(lc_secs_since "$CHECKS_START")s)"
}

# jsonpath_is RESOURCE JSONPATH WANT succeeds when kubectl's jsonpath output equals WANT.
jsonpath_is() {
	[[ "$(lc_kubectl get "$1" -o "jsonpath=$2")" == "$3" ]]
}

running_pods_on_node() {
	local phases
	phases="$(lc_kubectl get pods -l app=smoke --field-selector "spec.nodeName=$NODE" \
		-o 'jsonpath={range .items[*]}{.status.phase}{"\n"}{end}')"
	[[ "$(grep -c '^Running$' <<<"$phases")" == 2 ]]
}

no_pods_left() {
	[[ -z "$(lc_kubectl get pods -l app=smoke -o name)" ]]
}

pod_gone() {
	! lc_kubectl get pod "$1" >/dev/null 2>&1
}

report_rss() {
	local name pid rss total=0
	lc_log "resident memory (RSS):"
	while read -r name pid; do
		rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
		total=$((total + rss))
		printf '  %-24s %6d MiB\n' "$name" $((rss / 1024)) >&2
	done <"$LC_PIDS_FILE"
	printf '  %-24s %6d MiB\n' total $((total / 1024)) >&2
}

create_objects() {
	lc_kubectl apply -f - >/dev/null <<-EOF
		apiVersion: v1
		kind: Node
		metadata:
		  name: $NODE
		  annotations:
		    kwok.x-k8s.io/node: fake
		  labels:
		    kubernetes.io/hostname: $NODE
		    kubernetes.io/os: linux
		status:
		  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
		  allocatable: {cpu: "4", memory: 8Gi, pods: "110"}
		  conditions:
		  - type: Ready
		    status: "True"
		    reason: KubeletReady
		    message: registered by smoke.sh
		---
		apiVersion: apps/v1
		kind: Deployment
		metadata:
		  name: smoke
		  namespace: default
		spec:
		  replicas: 2
		  selector:
		    matchLabels: {app: smoke}
		  template:
		    metadata:
		      labels: {app: smoke}
		    spec:
		      containers:
		      - name: app
		        image: registry.k8s.io/pause:3.10
		        resources:
		          requests: {cpu: 100m, memory: 64Mi}
		---
		apiVersion: policy/v1
		kind: PodDisruptionBudget
		metadata:
		  name: smoke
		  namespace: default
		spec:
		  minAvailable: 1
		  selector:
		    matchLabels: {app: smoke}
	EOF
}

main() {
	local begin
	begin="$(lc_now_ms)"
	"$LC_ROOT/hack/local-cluster/build.sh"
	lc_log "build.sh took $(lc_secs_since "$begin")s"

	begin="$(lc_now_ms)"
	"$LC_ROOT/hack/local-cluster/up.sh" --background
	lc_log "up.sh --background took $(lc_secs_since "$begin")s (including pki generation)"
	cp "$LC_PIDS_FILE" "$PIDS_COPY"
	lc_kubectl version

	CHECKS_START="$(lc_now_ms)"
	create_objects
	until_ok "node $NODE Ready" jsonpath_is "node/$NODE" '{.status.conditions[?(@.type=="Ready")].status}' True
	until_ok "node lease kube-node-lease/$NODE renewed by kwok" \
		lc_kubectl get lease -n kube-node-lease "$NODE"
	until_ok "2 smoke pods scheduled onto $NODE and Running" running_pods_on_node
	until_ok "PDB status currentHealthy=2 (controller-manager)" \
		jsonpath_is pdb/smoke '{.status.currentHealthy}/{.status.disruptionsAllowed}' 2/1
	lc_kubectl get node,pods,pdb -o wide

	# What the node lifecycle controller does to a node's pods when the node misses its
	# heartbeats; kwok (pod-ready-again in up.sh) reports them Ready again, as a kubelet would.
	local unready
	unready="$(lc_kubectl get pods -l app=smoke -o 'jsonpath={.items[0].metadata.name}')"
	lc_kubectl patch pod "$unready" --subresource=status --type=strategic \
		-p '{"status":{"conditions":[{"type":"Ready","status":"False","reason":"NodeNotReady"}]}}' >/dev/null
	until_ok "pod $unready marked NotReady is Ready again (kwok, as a kubelet)" \
		jsonpath_is "pod/$unready" '{.status.conditions[?(@.type=="Ready")].status}/{.status.conditions[?(@.type=="PodScheduled")].status}' True/True
	until_ok "PDB allows a disruption again (controller-manager)" \
		jsonpath_is pdb/smoke '{.status.currentHealthy}/{.status.disruptionsAllowed}' 2/1

	local victim
	victim="$(lc_kubectl get pods -l app=smoke -o 'jsonpath={.items[0].metadata.name}')"
	lc_kubectl delete pod "$victim" --wait=false >/dev/null
	until_ok "deleted pod $victim finished terminating (kwok)" pod_gone "$victim"
	until_ok "replacement pod Running" running_pods_on_node
	lc_kubectl delete deployment smoke --wait=false >/dev/null
	until_ok "deployment's pods garbage-collected (controller-manager)" no_pods_left
	lc_log "cluster checks took $(lc_secs_since "$CHECKS_START")s"
	report_rss

	"$LC_ROOT/hack/local-cluster/down.sh"
	local name pid
	while read -r name pid; do
		if lc_pid_is "$pid" "$name"; then
			lc_die "$name (pid $pid) still running after down.sh"
		fi
	done <"$PIDS_COPY"
	lc_log "ok: down.sh left no processes"
	FAILED=false
	lc_log "SMOKE PASSED"
}

main "$@"
