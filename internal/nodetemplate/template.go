package nodetemplate

import (
	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// For is the node template of the group's new nodes (also the rebalance's replacements).
func For(g *v1alpha1.NodeGroup) contract.NodeTemplate {
	t := contract.NodeTemplate{NodeGroup: g.Name, ImageID: g.Spec.OSImageID, KubernetesVersion: g.Spec.KubernetesVersion,
		Labels: g.Spec.Labels, Tags: g.Spec.Tags, CloudInitTemplate: g.Spec.CloudInitTemplate, Variables: g.Spec.CloudInitVariables,
		SSHKeyIDs: g.Spec.SSHKeyIDs, SSHPublicKeys: g.Spec.SSHPublicKeys}
	if g.Spec.UserDataTemplate != "" {
		t.UserDataTemplate = g.Namespace + "/" + g.Spec.UserDataTemplate
	}
	if r := g.Spec.SSHKeySecretRef; r != nil {
		t.SSHKeySecret, t.SSHKeySecretKeys = g.Namespace+"/"+r.Name, r.Keys
	}
	for _, taint := range g.Spec.Taints {
		t.Taints = append(t.Taints, contract.Taint{Key: taint.Key, Value: taint.Value, Effect: string(taint.Effect)})
	}
	return t
}

// Model is the node model the planners simulate new nodes with: the configured system
// reserve, eviction threshold and pod limit of the kubelets the bootstrap starts.
func Model(cfg config.ScaleUpConfig) schedsim.Options {
	o := schedsim.DefaultOptions()
	o.KubeReserved = schedsim.Reserve{CPUMilli: int64(cfg.ReservedCPUMillis), Memory: int64(cfg.ReservedMemoryMiB) << 20}
	o.EvictionThreshold = schedsim.Reserve{Memory: int64(cfg.EvictionMemoryMiB) << 20}
	o.MaxPodsPerNode = int32(cfg.MaxPodsPerNode)
	return o
}
