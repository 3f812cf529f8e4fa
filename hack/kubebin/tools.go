//go:build tools

// Package kubebin pins the Kubernetes control-plane binaries used by the local
// cluster and the integration tests; it is built by hack/local-cluster/build.sh.
package kubebin

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
