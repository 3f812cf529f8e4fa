#!/usr/bin/env bash
# Builds the Helm CLI pinned in hack/helm/go.mod into bin/helm (or the path given as
# $1), stamped the way Helm's own Makefile stamps a release. The binary is cached outside
# the clone, keyed by the module files, the Go version and the recipe, so a fresh clone
# on a warm machine only links it (well under a second). Only the Go module proxy is used.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
moddir="$root/hack/helm"
out="${1:-$root/bin/helm}"

# Bump when the build flags below change, so old cache entries are not reused.
RECIPE="cgo0-trimpath-stripped-version-ldflags-v1"

export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -mod=readonly"

key="$({
	cat "$moddir/go.mod" "$moddir/go.sum" "$moddir/tools.go"
	go env GOVERSION GOOS GOARCH GOAMD64
	echo "$RECIPE"
} | sha256sum | cut -c1-16)"
cache="${VPSIE_CACHE_DIR:-$HOME/.cache/vpsie-autoscaler}/helm/helm-$key"

if [[ ! -x "$cache/helm" ]]; then
	start=$(date +%s)
	mkdir -p "$cache"
	tmp="$(mktemp -d "$cache/.build.XXXXXX")"
	trap 'rm -rf "$tmp"' EXIT
	cd "$moddir"
	helm_version="$(go list -m -f '{{.Version}}' helm.sh/helm/v3)"
	# Helm's Makefile: the default Kubernetes version of `helm template` and `helm lint`
	# follows the client-go it is built with (v0.N -> 1.N).
	kube_minor="$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)"
	ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version"
	ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
	for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
		ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kube_minor"
	done
	echo "hack/helm: building helm $helm_version (cold: 1-3 minutes on 2 cores)" >&2
	go build -trimpath -ldflags "$ldflags" -o "$tmp/helm" helm.sh/helm/v3/cmd/helm
	chmod 0555 "$tmp/helm"
	mv -f "$tmp/helm" "$cache/helm"
	echo "hack/helm: built in $(($(date +%s) - start))s into $cache" >&2
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
ln "$cache/helm" "$out" 2>/dev/null || cp "$cache/helm" "$out"
