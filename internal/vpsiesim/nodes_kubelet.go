package vpsiesim

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/vpsie/vpsie-autoscaler/internal/kubeletflags"
)

// Kubelet is what the kubelet a VM's user data starts registers its Node with.
type Kubelet struct {
	// Labels are those of --node-labels; the kubelet adds its own (hostname, os, arch) to them.
	Labels map[string]string
	// Taints are those of --register-with-taints.
	Taints []corev1.Taint
	// ProviderID is --provider-id; empty when the user data gives none (the Node then has none).
	ProviderID string
	// Version is the kubelet's version ("v1.36.3") as the user data installs it; empty when it installs none.
	Version string
	// Reserves are what it keeps from pods (its allocatable is the VM's capacity less them).
	Reserves Reserves
}

// ErrNoKubelet: the user data installs no kubelet, so nothing registers a Node (unless the image is said to carry
// one: KubeletOptions.LenientKubeletVersion).
var ErrNoKubelet = errors.New("the user data installs no kubelet (no kubelet=<version> package in an install command)")

var (
	// kubeletFlag finds a kubelet flag's value in user data, as the kubelet would read it from KUBELET_EXTRA_ARGS.
	kubeletFlag = regexp.MustCompile(`--(node-labels|register-with-taints|provider-id)=([^\s"']*)`)
	// reserveFlag finds the kubelet flags that keep resources from pods.
	reserveFlag = regexp.MustCompile(`--(kube-reserved|system-reserved|eviction-hard|max-pods)=([^\s"']*)`)
)

// ParseKubelet reads the kubelet a VM's user data starts, as that kubelet would: the labels of --node-labels, the
// taints of --register-with-taints, the provider ID of --provider-id and the version of the kubelet package an
// install command pins. A flag the kubelet refuses (a label it may not set on its own Node, a malformed label or
// taint) is an error: the kubelet does not start, and no Node registers. A real node carries its labels and taints
// from its first moment, so the scheduler never sees it bare.
func ParseKubelet(userData string) (Kubelet, error) {
	k := Kubelet{Labels: map[string]string{}}
	for _, m := range kubeletFlag.FindAllStringSubmatch(userData, -1) {
		if m[1] == "provider-id" {
			k.ProviderID = m[2]
			continue
		}
		for _, item := range strings.Split(m[2], ",") {
			if item == "" {
				continue
			}
			if m[1] == "register-with-taints" {
				t, err := parseTaint(item)
				if err != nil {
					return Kubelet{}, err
				}
				k.Taints = append(k.Taints, t)
				continue
			}
			key, v, found := strings.Cut(item, "=")
			if !found || len(validation.IsQualifiedName(key)) != 0 || len(validation.IsValidLabelValue(v)) != 0 {
				return Kubelet{}, fmt.Errorf("--node-labels: invalid label %q", item)
			}
			if err := kubeletflags.CheckNodeLabel(key); err != nil {
				return Kubelet{}, fmt.Errorf("--node-labels: %w", err)
			}
			k.Labels[key] = v
		}
	}
	reserves, err := parseReserves(userData)
	if err != nil {
		return Kubelet{}, err
	}
	k.Reserves = reserves
	if k.Version = kubeletflags.InstalledKubelet(userData); k.Version == "" {
		return k, ErrNoKubelet
	}
	return k, nil
}

// parseTaint reads the kubelet's "key[=value]:Effect"; the kubelet refuses to start on anything else.
func parseTaint(s string) (corev1.Taint, error) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok {
		return corev1.Taint{}, fmt.Errorf("--register-with-taints: invalid taint %q: want key[=value]:effect", s)
	}
	k, v, _ := strings.Cut(kv, "=")
	switch e := corev1.TaintEffect(effect); e {
	case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		if len(validation.IsQualifiedName(k)) == 0 && len(validation.IsValidLabelValue(v)) == 0 {
			return corev1.Taint{Key: k, Value: v, Effect: e}, nil
		}
	}
	return corev1.Taint{}, fmt.Errorf("--register-with-taints: invalid taint %q", s)
}
