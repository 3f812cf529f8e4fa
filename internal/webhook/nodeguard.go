package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// The labels that make a Node part of the control plane; such a Node is never
// deleted through the guard, whoever asks.
var controlPlaneLabels = []string{"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"}

// NodeGuard decides Node deletions. In order:
//
//  1. a control-plane Node is denied for everyone, exempt or not: removing it
//     takes two deliberate steps (remove the role label, then delete);
//  2. a Node labelled autoscaler.vpsie.com/managed=true may be deleted;
//  3. the autoscaler's own service account may delete nothing else, even when
//     it is in an exempt group;
//  4. exempt users and members of exempt groups may delete any other Node;
//  5. everything else is denied.
type NodeGuard struct {
	// AutoscalerUser is the autoscaler's service account user name,
	// system:serviceaccount:<namespace>:<name>.
	AutoscalerUser string
	// ExemptUsers and ExemptGroups may delete Nodes the autoscaler does not manage.
	ExemptUsers  []string
	ExemptGroups []string
}

// Admit answers a Node admission request; only DELETE is judged.
func (g NodeGuard) Admit(_ context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse {
	if req.Operation != admissionv1.Delete {
		return allow()
	}
	// On DELETE the Node is in oldObject; object is empty.
	if len(req.OldObject.Raw) == 0 {
		return deny(http.StatusForbidden, metav1.StatusReasonForbidden, fmt.Sprintf(
			"node %q: the request carries no oldObject, so the node deletion guard cannot check its labels", req.Name))
	}
	var node metav1.PartialObjectMetadata
	if err := json.Unmarshal(req.OldObject.Raw, &node); err != nil {
		return deny(http.StatusBadRequest, metav1.StatusReasonBadRequest,
			fmt.Sprintf("node %q: oldObject is not a Node: %v", req.Name, err))
	}
	name := node.Name
	if name == "" {
		name = req.Name
	}
	if rule := g.denial(node.Labels, req.UserInfo.Username, req.UserInfo.Groups); rule != "" {
		return deny(http.StatusForbidden, metav1.StatusReasonForbidden,
			fmt.Sprintf("deleting node %q is denied by the vpsie-autoscaler node deletion guard: %s", name, rule))
	}
	return allow()
}

// denial returns the rule that forbids the deletion, or "" when it is allowed.
func (g NodeGuard) denial(labels map[string]string, user string, groups []string) string {
	for _, l := range controlPlaneLabels {
		if _, ok := labels[l]; ok {
			return fmt.Sprintf("control-plane nodes (label %s) are never deleted through the guard; "+
				"remove the label first if you mean it", l)
		}
	}
	if labels[v1alpha1.LabelManaged] == "true" {
		return ""
	}
	if g.AutoscalerUser != "" && user == g.AutoscalerUser {
		return fmt.Sprintf("the autoscaler (%s) deletes only nodes labelled %s=true", user, v1alpha1.LabelManaged)
	}
	if slices.Contains(g.ExemptUsers, user) || slices.ContainsFunc(groups, func(gr string) bool {
		return slices.Contains(g.ExemptGroups, gr)
	}) {
		return ""
	}
	return fmt.Sprintf("the node is not labelled %s=true, and only the exempt users and groups of "+
		"webhook.exemptUsers and webhook.exemptGroups may delete nodes the autoscaler does not manage", v1alpha1.LabelManaged)
}
