package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// fieldDefault is one documented default of a NodeGroup field. Path segments
// are JSON keys; "*" is every element of a list.
type fieldDefault struct {
	path  string
	value any
	// webhookOnly marks a default the CRD schema does not carry (its field's
	// comment documents it); every other entry equals a +kubebuilder:default
	// marker, which TestDefaultsMatchTheCRDSchema checks against deploy/crds.
	webhookOnly bool
}

// nodeGroupDefaults are applied in order, parents before children. The
// apiserver already applies the schema's defaults when it decodes a request;
// repeating them here makes the webhook the one place that says what is in
// force, and adds the ones the schema cannot express.
var nodeGroupDefaults = []fieldDefault{
	{path: "spec/datacenters/*/weight", value: int64(1)},
	{path: "spec/scaleUpPolicy", value: map[string]any{}},
	{path: "spec/scaleUpPolicy/enabled", value: true},
	{path: "spec/scaleDownPolicy", value: map[string]any{}},
	{path: "spec/scaleDownPolicy/enabled", value: true},
	{path: "spec/provisioning", value: map[string]any{}},
	{path: "spec/provisioning/mode", value: "vm"},
	{path: "spec/rebalancePolicy", value: map[string]any{}},
	{path: "spec/rebalancePolicy/strategy", value: "rolling"},
	{path: "spec/rebalancePolicy/maxSurge", value: int64(1)},
	{path: "spec/rebalancePolicy/savingsThresholdPercent", value: int64(15)},
	{path: "spec/rebalancePolicy/cooldownSeconds", value: int64(3600)},
	{path: "spec/rebalancePolicy/minHealthyPercent", value: int64(75)},
	{path: "spec/rebalancePolicy/maintenanceWindows/*/timeZone", value: "UTC", webhookOnly: true},
}

// patchOp is one JSON Patch (RFC 6902) operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// defaultNodeGroup answers with a JSON Patch that adds every missing default.
// It works on the request's JSON, not on the Go type, so a value the user set
// to zero (maxSurge: 0) is never mistaken for a missing one.
func defaultNodeGroup(_ context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return allow()
	}
	var obj map[string]any
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil || obj == nil {
		return deny(http.StatusBadRequest, metav1.StatusReasonBadRequest, "object is not a JSON object")
	}
	ops := applyDefaults(obj, nodeGroupDefaults)
	if req.Operation == admissionv1.Create {
		ops = append(ops, cleanupFinalizer(obj)...)
	}
	if len(ops) == 0 {
		return allow()
	}
	patch, err := json.Marshal(ops)
	if err != nil {
		return deny(http.StatusInternalServerError, metav1.StatusReasonInternalError, fmt.Sprintf("encoding patch: %v", err))
	}
	pt := admissionv1.PatchTypeJSONPatch
	return &admissionv1.AdmissionResponse{Allowed: true, Patch: patch, PatchType: &pt}
}

// applyDefaults sets the missing defaults in obj and returns the operations
// that do the same to the stored object.
func applyDefaults(obj map[string]any, defaults []fieldDefault) []patchOp {
	var ops []patchOp
	for _, d := range defaults {
		ops = setDefault(obj, strings.Split(d.path, "/"), "", d.value, ops)
	}
	return ops
}

func setDefault(node any, segs []string, pointer string, value any, ops []patchOp) []patchOp {
	if segs[0] == "*" {
		list, _ := node.([]any)
		for i, el := range list {
			ops = setDefault(el, segs[1:], fmt.Sprintf("%s/%d", pointer, i), value, ops)
		}
		return ops
	}
	m, ok := node.(map[string]any)
	if !ok {
		return ops // absent parent or a value of another type: the schema reports it
	}
	key, ptr := segs[0], pointer+"/"+escapePointer(segs[0])
	if len(segs) > 1 {
		return setDefault(m[key], segs[1:], ptr, value, ops)
	}
	if _, set := m[key]; set {
		return ops
	}
	m[key] = cloneDefault(value) // children defaulted later go into this one, not into the operation
	return append(ops, patchOp{Op: "add", Path: ptr, Value: cloneDefault(value)})
}

// cloneDefault keeps a map default from being shared between objects.
func cloneDefault(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return map[string]any{}
	}
	return v
}

// escapePointer escapes a JSON Pointer reference token (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// cleanupFinalizer adds the NodeGroup cleanup finalizer to a new group, so it holds from
// the group's first moment: a group deleted before the deletion controller saw it would
// otherwise go without its nodes being taken down. The controller adds it too (without the
// webhook, a moment later).
func cleanupFinalizer(obj map[string]any) []patchOp {
	meta, _ := obj["metadata"].(map[string]any)
	list, _ := meta["finalizers"].([]any)
	for _, f := range list {
		if f == v1alpha1.FinalizerNodeGroupCleanup {
			return nil
		}
	}
	if list == nil {
		return []patchOp{{Op: "add", Path: "/metadata/finalizers", Value: []any{v1alpha1.FinalizerNodeGroupCleanup}}}
	}
	return []patchOp{{Op: "add", Path: "/metadata/finalizers/-", Value: v1alpha1.FinalizerNodeGroupCleanup}}
}
