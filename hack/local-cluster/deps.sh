#!/usr/bin/env bash
# Installs the Debian packages the local cluster scripts need, and only those that
# are missing, so CI (as root) and developers can run it on every invocation.
set -euo pipefail

# command -> Debian package providing it.
declare -A packages=(
	[openssl]=openssl
	[curl]=curl
	[jq]=jq
	# promtool checks and unit-tests the alert and recording rules (make promtool-test).
	[promtool]=prometheus
)
if [[ "${1:-}" == "--lint" ]]; then
	packages[shellcheck]=shellcheck
	# internal/cloudinit checks the default user data with `cloud-init schema`.
	packages[cloud-init]=cloud-init
fi

missing=()
for cmd in "${!packages[@]}"; do
	if ! command -v "$cmd" >/dev/null 2>&1; then
		missing+=("${packages[$cmd]}")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "deps: all present (${!packages[*]})"
	exit 0
fi

sudo=()
if ((EUID != 0)); then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps: missing ${missing[*]}; run as root or install them with apt-get" >&2
		exit 1
	fi
	sudo=(sudo)
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
