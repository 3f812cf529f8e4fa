// Package e2e runs the product end to end on a local cluster with a real kube-scheduler, kube-controller-manager
// and kwok (started by hack/local-cluster), the real Temporal server and vpsie-sim, with the autoscaler as its own
// process so tests can kill it. The tests are behind the e2e build tag: `make e2e` runs them.
package e2e
