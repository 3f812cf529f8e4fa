package rebalance

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// Snapshot is everything the analyzer reads; the same Snapshot always yields the same Result.
type Snapshot struct {
	// Now is the controller's clock reading: cooldowns and maintenance windows use it.
	Now        time.Time
	NodeGroups []*v1alpha1.NodeGroup
	// Nodes are the cluster's Nodes with the pods bound to them.
	Nodes []schedsim.ExistingNode
	// VPSieNodes tie a Node to its group, offering, datacenter and image.
	VPSieNodes []*v1alpha1.VPSieNode
	// Offerings is the VPSie catalogue, with monthly prices.
	Offerings []schedsim.Offering
	// PDBs, PersistentVolumeClaims and PersistentVolumes feed the scale-down safety checks.
	PDBs                   []*policyv1.PodDisruptionBudget
	PersistentVolumeClaims []*corev1.PersistentVolumeClaim
	PersistentVolumes      []*corev1.PersistentVolume
	// Draining names Nodes whose drain is under way (their drain/<node> workflow runs).
	Draining []string
	// Groups is what the controller knows of each NodeGroup beyond its spec.
	Groups map[types.NamespacedName]GroupState
}

// GroupState is the controller's knowledge of one NodeGroup's rebalancing.
type GroupState struct {
	// LastRebalance is when the last rebalance ended; the cooldown runs from it.
	LastRebalance time.Time
	// Manual is the annotation autoscaler.vpsie.com/rebalance=now: the group is analyzed
	// even when rebalancePolicy.enabled is false, and the cooldown does not hold it. Health,
	// maintenance windows and the safety checks still do.
	Manual bool
	// Running: rebalance/<namespace>/<nodegroup> runs; no second plan is made.
	Running bool
	// BootstrapKubelet is the kubelet version the group's user data installs (the default
	// template installs spec.kubernetesVersion; a custom one what its install command pins),
	// so what a replacement's kubelet reports; empty when it installs none (the image's
	// kubelet) or the controller could not tell. A kubelet differs from
	// spec.kubernetesVersion as drift only when this is spec.kubernetesVersion: otherwise a
	// replacement would differ the same way.
	BootstrapKubelet string
	// BootstrapInvalid, when set, says why a replacement of the group cannot be made as its
	// spec asks ("SSHKeySecretNotFound: ..."): no rebalance starts, whose replacements would
	// wait in their create for the operator's fix while old nodes wait to be drained.
	BootstrapInvalid string
}

// Options tune the analyzer.
type Options struct {
	// Simulation is the scheduling simulation's node model (reserves, pods per node), used to
	// build the replacement node a node's pods must fit on.
	Simulation schedsim.Options
}

// DefaultOptions uses the simulation's defaults.
func DefaultOptions() Options { return Options{Simulation: schedsim.DefaultOptions()} }

// Defaults of the policy fields, for objects the API server did not default.
const (
	DefaultSavingsThresholdPercent = 15
	DefaultCooldown                = time.Hour
	DefaultMinHealthyPercent       = 75
)

// policy is a group's rebalancePolicy with its defaults filled.
type policy struct {
	enabled        bool
	strategy       v1alpha1.RebalanceStrategy
	maxSurge       int32
	maxUnavailable int32
	threshold      int32
	cooldown       time.Duration
	minHealthy     int32
}

// StrategyOf is the strategy the group's rebalances run: its policy's, rolling when it
// names none.
func StrategyOf(ng *v1alpha1.NodeGroup) v1alpha1.RebalanceStrategy { return policyOf(ng).strategy }

func policyOf(ng *v1alpha1.NodeGroup) policy {
	rp := ng.Spec.RebalancePolicy
	p := policy{enabled: rp.Enabled, strategy: rp.Strategy, maxSurge: rp.MaxSurge, maxUnavailable: rp.MaxUnavailable,
		threshold: rp.SavingsThresholdPercent, cooldown: DefaultCooldown, minHealthy: DefaultMinHealthyPercent}
	if p.strategy == "" {
		p.strategy = v1alpha1.RebalanceRolling
	}
	if p.threshold <= 0 {
		p.threshold = DefaultSavingsThresholdPercent
	}
	if rp.CooldownSeconds != nil {
		p.cooldown = time.Duration(*rp.CooldownSeconds) * time.Second
	}
	if rp.MinHealthyPercent != nil {
		p.minHealthy = *rp.MinHealthyPercent
	}
	return p
}
