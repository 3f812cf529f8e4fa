package webhook

import (
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func vpsieNode() *v1alpha1.VPSieNode {
	return &v1alpha1.VPSieNode{
		ObjectMeta: metav1.ObjectMeta{Name: "general-abc", Namespace: "kube-system",
			Labels: map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: "general"}},
		Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "general", OfferingID: "std-2-4", DatacenterID: "dc-ams1",
			ImageID: "ubuntu", Hostname: "local-general-abc"},
	}
}

func TestVPSieNodeValidation(t *testing.T) {
	tests := []struct {
		name     string
		op       admissionv1.Operation
		old, new func(*v1alpha1.VPSieNode)
		want     string // a substring of the denial; empty means admitted
	}{
		{name: "a node the catalogue sells is admitted", op: admissionv1.Create},
		{name: "an unknown offering is refused", op: admissionv1.Create,
			new:  func(v *v1alpha1.VPSieNode) { v.Spec.OfferingID = "gpu-xl" },
			want: `spec.offeringID: offering "gpu-xl" is not in the VPSie catalogue`},
		{name: "an unknown datacenter is refused", op: admissionv1.Create,
			new:  func(v *v1alpha1.VPSieNode) { v.Spec.DatacenterID = "dc-mars" },
			want: `spec.datacenterID: datacenter "dc-mars" is not in the VPSie catalogue`},
		{name: "an offering not sold in the datacenter is refused", op: admissionv1.Create,
			new:  func(v *v1alpha1.VPSieNode) { v.Spec.OfferingID, v.Spec.DatacenterID = "ams-only", "dc-fra1" },
			want: `spec.offeringID: offering "ams-only" is not sold in datacenter "dc-fra1"`},
		{name: "a group label that disagrees with spec.nodeGroup is refused", op: admissionv1.Create,
			new:  func(v *v1alpha1.VPSieNode) { v.Labels[v1alpha1.LabelNodeGroup] = "other" },
			want: `metadata.labels[autoscaler.vpsie.com/nodegroup]: must equal spec.nodeGroup ("general")`},
		{name: "the group label may not change", op: admissionv1.Update,
			new:  func(v *v1alpha1.VPSieNode) { v.Labels[v1alpha1.LabelNodeGroup] = "other" },
			want: `metadata.labels[autoscaler.vpsie.com/nodegroup]: is immutable (was "general")`},
		{name: "the managed label may not be removed", op: admissionv1.Update,
			new:  func(v *v1alpha1.VPSieNode) { delete(v.Labels, v1alpha1.LabelManaged) },
			want: `metadata.labels[autoscaler.vpsie.com/managed]: is immutable (was "true")`},
		{name: "an update of other labels and finalizers is admitted though the offering was withdrawn", op: admissionv1.Update,
			old: func(v *v1alpha1.VPSieNode) { v.Spec.OfferingID = "withdrawn" },
			new: func(v *v1alpha1.VPSieNode) {
				v.Spec.OfferingID = "withdrawn"
				v.Labels["team"] = "a"
				v.Finalizers = nil
			}},
		{name: "a node being deleted may lose its finalizer whatever its labels", op: admissionv1.Update,
			new: func(v *v1alpha1.VPSieNode) { v.Labels = nil; now := metav1.Now(); v.DeletionTimestamp = &now }},
	}
	h := NewHandler(Options{Catalogue: testCatalogue})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, vn := vpsieNode(), vpsieNode()
			if tt.old != nil {
				tt.old(old)
			}
			if tt.new != nil {
				tt.new(vn)
			}
			var oldObj any
			if tt.op == admissionv1.Update {
				oldObj = old
			}
			_, resp := post(t, h, PathValidateVPSieNode, "application/json", reviewBody(t, tt.op, "u", nil, vn, oldObj))
			if tt.want == "" {
				if !resp.Allowed {
					t.Fatalf("denied: %s", resp.Result.Message)
				}
				return
			}
			if resp.Allowed || !strings.Contains(resp.Result.Message, tt.want) {
				t.Fatalf("allowed %v, message %q, want %q", resp.Allowed, resp.Result, tt.want)
			}
		})
	}
}

// The autoscaler planned its VPSieNodes from its own catalogue cache, which may
// be one refresh ahead of the webhook's: a new offering must not fail a scale-up.
func TestVPSieNodeFromTheAutoscalerSkipsTheCatalogue(t *testing.T) {
	h := NewHandler(Options{Catalogue: testCatalogue, Guard: NodeGuard{AutoscalerUser: autoscalerSA}})
	vn := vpsieNode()
	vn.Spec.OfferingID = "brand-new"
	for user, allowed := range map[string]bool{autoscalerSA: true, "someone": false} {
		_, resp := post(t, h, PathValidateVPSieNode, "application/json", reviewBody(t, admissionv1.Create, user, nil, vn, nil))
		if resp.Allowed != allowed {
			t.Errorf("%s: allowed %v, want %v", user, resp.Allowed, allowed)
		}
	}
}
