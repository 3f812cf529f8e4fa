package activities

import (
	"context"
	"fmt"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// RecordedWorkers lists the managed workers the NodeGroup's VPSieNodes recorded: a worker
// one of them recorded belongs to it, so it never passes for the worker of another run's
// ambiguous add (a scale-up and a rebalance of one group may add at the same time).
func (k *Kube) RecordedWorkers(ctx context.Context, in contract.RecordedWorkersInput) (contract.RecordedWorkersResult, error) {
	if in.Namespace == "" || in.NodeGroup == "" {
		return contract.RecordedWorkersResult{}, nonRetryable("recorded workers needs a namespace and a nodegroup")
	}
	var vns v1alpha1.VPSieNodeList
	if err := k.Client.List(ctx, &vns, client.InNamespace(in.Namespace)); err != nil {
		return contract.RecordedWorkersResult{}, fmt.Errorf("listing the vpsienodes of %s/%s: %w", in.Namespace, in.NodeGroup, err)
	}
	var res contract.RecordedWorkersResult
	for _, vn := range vns.Items {
		if vn.Spec.NodeGroup == in.NodeGroup && vn.Status.WorkerID != "" {
			res.WorkerIDs = append(res.WorkerIDs, vn.Status.WorkerID)
		}
	}
	return res, nil
}
