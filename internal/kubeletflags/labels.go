package kubeletflags

import (
	"fmt"
	"strings"

	kubeletapis "k8s.io/kubelet/pkg/apis"
)

// CheckNodeLabel is nil when a kubelet started with --node-labels key=... would accept the
// key, else why it refuses to start. The kubelet refuses labels in the kubernetes.io and
// k8s.io namespaces (and their subdomains) unless they are in its allowed set (hostname,
// os, arch, instance type, topology zone and region) or its own namespaces
// (kubelet.kubernetes.io, node.kubernetes.io): the NodeRestriction admission plugin would
// refuse the Node otherwise. node-role.kubernetes.io/* is the common mistake.
func CheckNodeLabel(key string) error {
	if !kubernetesNamespace(key) || kubeletapis.IsKubeletLabel(key) {
		return nil
	}
	return fmt.Errorf("a kubelet may not set %q on its own Node (labels in the kubernetes.io and k8s.io namespaces "+
		"must be one of %s or in the namespaces %s): it refuses to start with it in --node-labels",
		key, strings.Join(kubeletapis.KubeletLabels(), ", "), strings.Join(kubeletapis.KubeletLabelNamespaces(), ", "))
}

// kubernetesNamespace mirrors the kubelet's own test: the key's prefix is kubernetes.io or
// k8s.io or a subdomain of either.
func kubernetesNamespace(key string) bool {
	ns, _, ok := strings.Cut(key, "/")
	if !ok {
		return false
	}
	for _, reserved := range []string{"kubernetes.io", "k8s.io"} {
		if ns == reserved || strings.HasSuffix(ns, "."+reserved) {
			return true
		}
	}
	return false
}
