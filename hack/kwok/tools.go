//go:build tools

// Package kwok pins the kwok fake-node simulator used by the local cluster; it is
// a module of its own so kwok keeps its upstream dependency set and cannot shift
// the versions the Kubernetes binaries in hack/kubebin are built from.
package kwok

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
