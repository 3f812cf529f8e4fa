package nodetemplate

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/cloudinit"
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

// CheckBootstrap says whether new nodes of g can be made as its spec asks
// (cloudinit.CheckBootstrap: its template renders, its SSH key Secret has keys), reading
// through reader (uncached: the autoscaler may get ConfigMaps and Secrets only by name). A
// group in mode managedKubernetes has no user data or keys: always nil.
func CheckBootstrap(ctx context.Context, reader client.Reader, g *v1alpha1.NodeGroup) error {
	if g.Spec.ProvisioningModeOf() == v1alpha1.ProvisioningManagedKubernetes {
		return nil
	}
	return cloudinit.CheckBootstrap(ctx, reader, For(g))
}

// BootstrapProblem is CheckBootstrap's answer as the planners' gates take it: "" when valid,
// else "<typed reason>: <message>".
func BootstrapProblem(ctx context.Context, reader client.Reader, g *v1alpha1.NodeGroup) string {
	if err := CheckBootstrap(ctx, reader, g); err != nil {
		return cloudinit.ReasonOf(err) + ": " + err.Error()
	}
	return ""
}
