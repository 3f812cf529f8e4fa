package webhook

import (
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // IANA zones even in an image without /usr/share/zoneinfo

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/kubeletflags"
)

// reservedLabelPrefixes may not be set through a NodeGroup: the autoscaler's
// own labels prove ownership, and kubelets may not set node-restriction labels.
var reservedLabelPrefixes = []string{"autoscaler.vpsie.com/", "node-restriction.kubernetes.io/"}

func validateLabels(p *field.Path, labels map[string]string) field.ErrorList {
	var errs field.ErrorList
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kp := p.Key(k)
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(kp, k, "key "+msg))
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			errs = append(errs, field.Invalid(kp, labels[k], "value "+msg))
		}
		reserved := false
		for _, prefix := range reservedLabelPrefixes {
			if strings.HasPrefix(k, prefix) {
				reserved = true
				errs = append(errs, field.Forbidden(kp, fmt.Sprintf("the prefix %s is reserved", prefix)))
			}
		}
		// The labels reach the Node through the kubelet's --node-labels: one it refuses
		// means a VPS that boots, bills and never joins.
		if err := kubeletflags.CheckNodeLabel(k); err != nil && !reserved {
			errs = append(errs, field.Forbidden(kp, err.Error()))
		}
	}
	return errs
}

// validateTaints checks keys and values (effects are the schema's) and that no
// key and effect pair repeats, which the kubelet would refuse.
func validateTaints(p *field.Path, s v1alpha1.NodeGroupSpec) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]int{}
	for i, t := range s.Taints {
		tp := p.Index(i)
		for _, msg := range validation.IsQualifiedName(t.Key) {
			errs = append(errs, field.Invalid(tp.Child("key"), t.Key, msg))
		}
		for _, msg := range validation.IsValidLabelValue(t.Value) {
			errs = append(errs, field.Invalid(tp.Child("value"), t.Value, msg))
		}
		id := t.Key + ":" + string(t.Effect)
		if j, dup := seen[id]; dup {
			errs = append(errs, field.Duplicate(tp, id))
			errs[len(errs)-1].Detail = fmt.Sprintf("taint %s repeats %s", id, p.Index(j))
			continue
		}
		seen[id] = i
	}
	return errs
}

// validateRebalance checks the strategy's maxSurge and maxUnavailable: a rolling
// or surge rebalance with neither could never replace a node.
func validateRebalance(p *field.Path, r v1alpha1.RebalancePolicy) field.ErrorList {
	var errs field.ErrorList
	switch r.Strategy {
	case v1alpha1.RebalanceRolling, "":
		if r.MaxSurge == 0 && r.MaxUnavailable == 0 {
			errs = append(errs, field.Invalid(p.Child("maxUnavailable"), r.MaxUnavailable, fmt.Sprintf(
				"must be > 0 when %s is 0, or a rolling rebalance can never replace a node", p.Child("maxSurge"))))
		}
	case v1alpha1.RebalanceSurge:
		if r.MaxSurge == 0 {
			errs = append(errs, field.Invalid(p.Child("maxSurge"), r.MaxSurge,
				"must be >= 1 for strategy surge, which adds a node before it removes one"))
		}
	}
	for i, w := range r.MaintenanceWindows {
		errs = append(errs, validateWindow(p.Child("maintenanceWindows").Index(i), w)...)
	}
	return errs
}

func validateWindow(p *field.Path, w v1alpha1.MaintenanceWindow) field.ErrorList {
	var errs field.ErrorList
	if _, err := time.Parse("15:04", w.Start); err != nil {
		errs = append(errs, field.Invalid(p.Child("start"), w.Start, "must be a time of day as HH:MM, e.g. 02:30"))
	}
	if w.TimeZone != "" && !validZone(w.TimeZone) {
		errs = append(errs, field.Invalid(p.Child("timeZone"), w.TimeZone,
			fmt.Sprintf("unknown time zone %q: must be an IANA zone name such as Europe/Berlin, or UTC", w.TimeZone)))
	}
	return errs
}

// validZone accepts IANA names; "Local" is the process's zone, not a name.
func validZone(tz string) bool {
	if tz == "Local" {
		return false
	}
	_, err := time.LoadLocation(tz)
	return err == nil
}
