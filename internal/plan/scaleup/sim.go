package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// The Snapshot and Result speak of the simulation's own types; these names keep the
// planner's API in one place for its callers.
type (
	// ExistingNode is a Node and the pods bound to it, read and never written.
	ExistingNode = schedsim.ExistingNode
	// Offering is one VPSie plan.
	Offering = schedsim.Offering
	// Placement is a pending pod that fits on a Node, or on a VPSieNode still booting.
	Placement = schedsim.Placement
)

// tmplNode is a node this plan adds, or a booting VPSieNode: the simulated node and the
// template it was made from.
type tmplNode struct {
	*schedsim.Node
	tmpl   *template
	reason Reason // why the node is planned; ReasonNone for a booting VPSieNode
	// after are pending pods placed on capacity that exists or is coming only once this
	// node was bought: a spread's lowest domain rose with the pods it takes, so the
	// scheduler will not place them there before this node runs those pods.
	after []*schedsim.PodInfo
}
