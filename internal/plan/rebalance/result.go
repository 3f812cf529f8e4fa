package rebalance

import (
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// Result is the analysis: a plan per NodeGroup that has nodes to replace and passes its
// gates, a verdict per NodeGroup analyzed, and why every other managed node stays.
type Result struct {
	// Plans are sorted by NodeGroup.
	Plans []Plan
	// Groups has one verdict per NodeGroup, sorted: ReasonNone with a plan, else the gate
	// that held it or ReasonNothingToReplace. Costs are reported either way.
	Groups []GroupVerdict
	// Excluded is every node of a group not in a plan, sorted by node name, with why.
	Excluded []Exclusion
}

// Plan replaces some nodes of one NodeGroup, in batches for its strategy.
type Plan struct {
	// ID is a hash of the group, the strategy and every replacement: the same analysis
	// gives the same ID, and the workflow's memo carries it.
	ID             string
	NodeGroup      types.NamespacedName
	Strategy       v1alpha1.RebalanceStrategy
	MaxSurge       int32
	MaxUnavailable int32
	// Batches: rolling batches of maxUnavailable (at least one); surge waves of maxSurge
	// (a multiple of the drain step, see Analyze); one blue-green batch.
	Batches [][]Replacement
	// MonthlySavings sums the replacements' savings.
	MonthlySavings float64
}

// Replacement is one node to replace and its target.
type Replacement struct {
	Node       string
	VPSieNode  string
	Datacenter string
	// From is the node's offering and price; FromPrice is zero when the catalogue no
	// longer lists a drifted node's offering.
	From      string
	FromPrice float64
	// Targets are the allowed offerings that fit the node's pods, cheapest first; the
	// first is the plan's choice, the others are fallbacks when VPSie has no capacity.
	Targets []Target
	// MonthlySavings is FromPrice less the first target's price (negative when a drifted
	// node must move to a dearer offering).
	MonthlySavings float64
	Reason         Reason
	// Message is for humans: the saving or what drifted.
	Message string
}

// Target is one offering a replacement may get.
type Target struct {
	Offering     string
	MonthlyPrice float64
}

// Exclusion is why a node of a group is not replaced.
type Exclusion struct {
	Node      string
	NodeGroup types.NamespacedName
	Reason    Reason
	Message   string
	// Pod is the pod that blocked a safety check, when one did.
	Pod types.NamespacedName
}

// GroupVerdict is the outcome for one NodeGroup.
type GroupVerdict struct {
	NodeGroup types.NamespacedName
	Reason    Reason
	Message   string
	// MonthlyCost is what the group's nodes cost per month at catalogue prices.
	MonthlyCost float64
	// PotentialSavings sums the savings of every node worth replacing, gates and safety
	// checks aside: the nodegroup_potential_savings_monthly metric.
	PotentialSavings float64
}
