#!/usr/bin/env bash
# Stops the local cluster started by up.sh (pids in .local/cluster/pids), last started
# first. --purge also deletes the etcd data so the next up.sh starts from an empty
# cluster (the pki and admin token are kept, so kubeconfigs stay valid).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false
case "${1:-}" in
"") ;;
--purge) purge=true ;;
*) lc_die "usage: down.sh [--purge]" ;;
esac

if [[ -f "$LC_PIDS_FILE" ]]; then
	lc_stop_from_pids_file
	lc_log "local cluster stopped"
else
	lc_log "no local cluster running (no $LC_PIDS_FILE)"
fi

if $purge; then
	lc_log "deleting $LC_STATE_DIR/etcd"
	rm -rf "$LC_STATE_DIR/etcd"
fi
