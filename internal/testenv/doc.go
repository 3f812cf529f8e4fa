// Package testenv starts a real kube-apiserver and etcd (controller-runtime
// envtest over the binaries hack/local-cluster/build.sh puts in bin/k8s) with
// the project's CRDs installed, for integration tests.
package testenv
