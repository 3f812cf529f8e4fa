//go:build tools

// Package helm pins the Helm CLI that the chart tests and `make helm` use. It is
// a module of its own so Helm's Kubernetes dependency set never moves the
// versions in the main go.mod or in hack/tools.
package helm

import (
	_ "helm.sh/helm/v3/cmd/helm"
)
