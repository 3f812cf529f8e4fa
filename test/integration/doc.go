// Package integration holds tests that run the autoscaler's parts against a
// real kube-apiserver and etcd (envtest) and a real Temporal server.
package integration
