package integration

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestInvalidNodeGroupsAreRejectedNamingFieldAndReason(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	tests := []struct {
		name   string
		mutate func(*v1alpha1.NodeGroup)
		want   []string // substrings of the apiserver's message
	}{
		{"min above max", func(ng *v1alpha1.NodeGroup) { ng.Spec.MinNodes, ng.Spec.MaxNodes = 5, 2 },
			[]string{"spec", "minNodes must be less than or equal to maxNodes"}},
		{"negative max", func(ng *v1alpha1.NodeGroup) { ng.Spec.MinNodes, ng.Spec.MaxNodes = 0, -1 },
			[]string{"spec.maxNodes", "greater than or equal to 0"}},
		{"a parked group keeps a minimum", func(ng *v1alpha1.NodeGroup) { ng.Spec.MinNodes, ng.Spec.MaxNodes = 1, 0 },
			[]string{"spec", "minNodes must be less than or equal to maxNodes"}},
		{"negative min", func(ng *v1alpha1.NodeGroup) { ng.Spec.MinNodes = -1 },
			[]string{"spec.minNodes", "greater than or equal to 0"}},
		{"no offerings", func(ng *v1alpha1.NodeGroup) { ng.Spec.OfferingIDs = nil },
			[]string{"spec.offeringIDs", "Required"}},
		{"no datacenter", func(ng *v1alpha1.NodeGroup) { ng.Spec.DatacenterID = "" },
			[]string{"one of datacenterID or datacenters is required"}},
		{"bad kubernetes version", func(ng *v1alpha1.NodeGroup) { ng.Spec.KubernetesVersion = "latest" },
			[]string{"spec.kubernetesVersion", "should match"}},
		{"unknown rebalance strategy", func(ng *v1alpha1.NodeGroup) { ng.Spec.RebalancePolicy.Strategy = "yolo" },
			[]string{"spec.rebalancePolicy.strategy", "Unsupported value", "rolling"}},
		{"preferred type not offered", func(ng *v1alpha1.NodeGroup) { ng.Spec.PreferredInstanceType = "gpu-8" },
			[]string{"preferredInstanceType must be one of offeringIDs"}},
		{"threshold above 100", func(ng *v1alpha1.NodeGroup) { ng.Spec.ScaleUpPolicy.CPUThresholdPercent = 150 },
			[]string{"spec.scaleUpPolicy.cpuThresholdPercent", "less than or equal to 100"}},
		{"bad maintenance start", func(ng *v1alpha1.NodeGroup) {
			ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{{Start: "25:00", DurationMinutes: 60}}
		}, []string{"spec.rebalancePolicy.maintenanceWindows[0].start", "should match"}},
		{"tag with the reserved ownership prefix", func(ng *v1alpha1.NodeGroup) {
			ng.Spec.Tags = []string{"team=a", "vpsie-autoscaler:cluster=other"}
		}, []string{"spec.tags", "must not start with the reserved prefix 'vpsie-autoscaler:'"}},
		{"forceDrain on the scale-up policy", func(ng *v1alpha1.NodeGroup) { ng.Spec.ScaleUpPolicy.ForceDrain = true },
			[]string{"spec", "forceDrain applies to scaleDownPolicy only"}},
		{"unknown provisioning mode", func(ng *v1alpha1.NodeGroup) { ng.Spec.Provisioning.Mode = "bareMetal" },
			[]string{"spec.provisioning.mode", "Unsupported value", "managedKubernetes"}},
		{"managed mode without a VPSie node group", func(ng *v1alpha1.NodeGroup) {
			ng.Spec.Provisioning.Mode = v1alpha1.ProvisioningManagedKubernetes
		}, []string{"spec.provisioning", "mode managedKubernetes needs managedKubernetes.nodeGroupID or managedKubernetes.nodeGroupName"}},
		{"a managed node group in mode vm", func(ng *v1alpha1.NodeGroup) {
			ng.Spec.Provisioning.ManagedKubernetes = &v1alpha1.ManagedKubernetes{NodeGroupName: "workers"}
		}, []string{"spec.provisioning", "managedKubernetes is only allowed with mode managedKubernetes"}},
		{"bad taint effect", func(ng *v1alpha1.NodeGroup) {
			ng.Spec.Taints = []corev1.Taint{{Key: "k", Effect: "Sometimes"}}
		}, []string{"spec.taints", "taint effect must be NoSchedule, PreferNoSchedule or NoExecute"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ng := validNodeGroup(ns, "invalid")
			tt.mutate(ng)
			err := env.Client.Create(context.Background(), ng)
			if !apierrors.IsInvalid(err) {
				t.Fatalf("create returned %v, want Invalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestValidNodeGroupGetsPolicyDefaults(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	ng := validNodeGroup(ns, "defaults")
	ng.Spec.ScaleDownPolicy.ForceDrain = true // allowed where it applies
	if err := env.Client.Create(context.Background(), ng); err != nil {
		t.Fatalf("valid nodegroup rejected: %v", err)
	}
	p := ng.Spec.RebalancePolicy
	if p.Strategy != v1alpha1.RebalanceRolling || p.MaxSurge != 1 || p.Enabled {
		t.Errorf("rebalancePolicy defaults = %+v, want rolling, maxSurge 1, disabled", p)
	}
	if !ng.Spec.ScaleDownPolicy.ForceDrain {
		t.Errorf("scaleDownPolicy.forceDrain lost: %+v", ng.Spec.ScaleDownPolicy)
	}
	if ng.Spec.Provisioning.Mode != v1alpha1.ProvisioningVM {
		t.Errorf("provisioning.mode = %q, want the default vm", ng.Spec.Provisioning.Mode)
	}
	if !ng.Spec.ScaleUpPolicy.IsEnabled() || ng.Spec.ScaleUpPolicy.Enabled == nil {
		t.Errorf("scaleUpPolicy.enabled not defaulted to true: %+v", ng.Spec.ScaleUpPolicy)
	}
}

// maxNodes 0 parks a group (scale-down drains it, scale-up refuses with GroupParked): the
// uninstall guide's first step, so the API server must accept it.
func TestAGroupParkedAtMaxNodesZeroIsValid(t *testing.T) {
	env := needKube(t)
	ns := newNamespace(t, env.Client)
	ng := validNodeGroup(ns, "parked")
	ng.Spec.MinNodes, ng.Spec.MaxNodes = 0, 0
	if err := env.Client.Create(context.Background(), ng); err != nil {
		t.Fatalf("a parked nodegroup rejected: %v", err)
	}
}

func TestVPSieNodeSpecIsImmutable(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	memberNode(t, c, ns, "g", "immutable-a", v1alpha1.PhasePending, nil)
	var vn v1alpha1.VPSieNode
	if err := c.Get(context.Background(), keyOf(ns, "immutable-a"), &vn); err != nil {
		t.Fatal(err)
	}
	vn.Spec.OfferingID = "other"
	err := c.Update(context.Background(), &vn)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "spec is immutable") {
		t.Fatalf("update returned %v, want Invalid: spec is immutable", err)
	}
}
