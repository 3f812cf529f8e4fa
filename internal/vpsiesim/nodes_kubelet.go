package vpsiesim

import (
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// kubeletFlag finds a kubelet flag's value in cloud-init user data, as the kubelet
// would read it from KUBELET_EXTRA_ARGS.
var kubeletFlag = regexp.MustCompile(`--(node-labels|register-with-taints)=([^\s"']+)`)

// kubeletRegistration is what a kubelet started by the VM's cloud-init registers its Node
// with: the labels of --node-labels and the taints of --register-with-taints. A real
// node carries them from its first moment, so the scheduler never sees it bare; a
// simulator that registered bare Nodes would let pods land where they must not.
func kubeletRegistration(userData string) (map[string]string, []corev1.Taint) {
	labels := map[string]string{}
	var taints []corev1.Taint
	for _, m := range kubeletFlag.FindAllStringSubmatch(userData, -1) {
		for _, item := range strings.Split(m[2], ",") {
			if m[1] == "node-labels" {
				k, v, found := strings.Cut(item, "=")
				if found && len(validation.IsQualifiedName(k)) == 0 && len(validation.IsValidLabelValue(v)) == 0 {
					labels[k] = v
				}
				continue
			}
			if t, ok := parseTaint(item); ok {
				taints = append(taints, t)
			}
		}
	}
	return labels, taints
}

// parseTaint reads the kubelet's "key[=value]:Effect".
func parseTaint(s string) (corev1.Taint, bool) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok {
		return corev1.Taint{}, false
	}
	k, v, _ := strings.Cut(kv, "=")
	switch e := corev1.TaintEffect(effect); e {
	case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		if len(validation.IsQualifiedName(k)) == 0 {
			return corev1.Taint{Key: k, Value: v, Effect: e}, true
		}
	}
	return corev1.Taint{}, false
}
