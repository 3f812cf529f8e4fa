package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/activity"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// ProviderIDPrefix starts the provider ID of a Node backed by a VPSie VPS.
const ProviderIDPrefix = "vpsie://"

// DeleteVPSieNodeNode deletes the Node of a VPSieNode whose VPS is gone: nothing else
// removes it (there is no cloud-controller-manager for VPSie). Only a Node that is
// provably that VPS's goes: its provider ID names one of the VPSs, or it carries the
// managed label and this VPSieNode's label. A Node already gone is success.
func (k *Kube) DeleteVPSieNodeNode(ctx context.Context, in contract.DeleteVPSieNodeNodeInput) (contract.DeleteVPSieNodeNodeResult, error) {
	var res contract.DeleteVPSieNodeNodeResult
	if in.NodeName == "" || in.VPSieNode.Name == "" {
		return res, nonRetryable("delete node needs a node name and a vpsienode")
	}
	node := &corev1.Node{}
	if err := k.Client.Get(ctx, client.ObjectKey{Name: in.NodeName}, node); err != nil {
		if apierrors.IsNotFound(err) {
			return res, nil
		}
		return res, fmt.Errorf("reading node %s: %w", in.NodeName, err)
	}
	if why := notOurs(node, in); why != "" {
		res.LeftAlone = why
		activity.GetLogger(ctx).Warn("Node left alone", "node", in.NodeName, "vpsienode", in.VPSieNode.Name, "why", why)
		return res, nil
	}
	err := k.Client.Delete(ctx, node, client.Preconditions{UID: &node.UID})
	if err != nil && !apierrors.IsNotFound(err) {
		return res, fmt.Errorf("deleting node %s: %w", in.NodeName, err)
	}
	activity.GetLogger(ctx).Info("Deleted node", "node", in.NodeName, "vpsienode", in.VPSieNode.Name)
	res.Deleted = true
	return res, nil
}

// notOurs says why a Node is not the VPSieNode's; empty when it is.
func notOurs(node *corev1.Node, in contract.DeleteVPSieNodeNodeInput) string {
	for _, id := range in.VPSIDs {
		if node.Spec.ProviderID == ProviderIDPrefix+id {
			return ""
		}
	}
	if node.Labels[v1alpha1.LabelManaged] == "true" && node.Labels[v1alpha1.LabelVPSieNode] == in.VPSieNode.Name {
		return ""
	}
	if node.Spec.ProviderID != "" {
		return fmt.Sprintf("provider id %q names none of the deleted VPSs and the node is not labelled as the vpsienode's",
			node.Spec.ProviderID)
	}
	return "the node has no provider id and is not labelled as the vpsienode's"
}
