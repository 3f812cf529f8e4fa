package scaleup

import (
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// group is a NodeGroup as the planner sees it: its templates, its size and what stops it.
type group struct {
	ng    *v1alpha1.NodeGroup
	key   types.NamespacedName
	issue failure // its spec names something the catalogue lacks: no templates at all
	gate  failure // it may not grow now: templates exist only to explain pods
	dcs   []v1alpha1.DatacenterPlacement
	// templates are ordered by datacenter (priority, then spec order), then price, then ID.
	templates []*template
	// members counts the group's VPSieNodes not being deleted; planned what this plan adds.
	members, planned     int32
	dcMembers, dcPlanned map[string]int32
}

func newGroup(ng *v1alpha1.NodeGroup, s *Snapshot) *group {
	g := &group{
		ng:        ng,
		key:       types.NamespacedName{Namespace: ng.Namespace, Name: ng.Name},
		dcs:       datacenters(&ng.Spec),
		dcMembers: map[string]int32{}, dcPlanned: map[string]int32{},
	}
	g.gate = gateOf(ng, s.Groups[g.key], s)
	return g
}

// datacenters are the group's placements, lowest priority value first, spec order breaking
// ties; a group that names only datacenterID has that one.
func datacenters(spec *v1alpha1.NodeGroupSpec) []v1alpha1.DatacenterPlacement {
	if len(spec.Datacenters) == 0 {
		return []v1alpha1.DatacenterPlacement{{ID: spec.DatacenterID, Weight: 1}}
	}
	dcs := append([]v1alpha1.DatacenterPlacement(nil), spec.Datacenters...)
	sort.SliceStable(dcs, func(i, j int) bool { return dcs[i].Priority < dcs[j].Priority })
	return dcs
}

// gateOf is why the group may not grow right now, if anything stops it.
func gateOf(ng *v1alpha1.NodeGroup, st GroupState, s *Snapshot) failure {
	switch {
	case ng.DeletionTimestamp != nil:
		return fail(ReasonNodeGroupDeleting, "the NodeGroup is being deleted: its nodes are drained, none is added")
	case ng.Spec.MaxNodes == 0:
		return fail(ReasonGroupParked, "maxNodes is 0: the group is parked at zero nodes")
	case !ng.Spec.ScaleUpPolicy.IsEnabled() || st.ScaleUpDisabled:
		return fail(ReasonScaleUpDisabled, "scale-up is disabled")
	case st.BootstrapInvalid != "":
		return fail(ReasonBootstrapConfigInvalid, "bootstrap configuration invalid: "+st.BootstrapInvalid)
	case s.Now.Before(st.BackingOffUntil):
		why := st.BackoffReason
		if why == "" {
			why = "failed nodes"
		}
		return fail(ReasonBackingOff, "backing off ("+why+") until "+st.BackingOffUntil.UTC().Format(time.RFC3339))
	case st.InCooldown:
		return fail(ReasonInCooldown, "in scale-up cooldown")
	}
	return failure{}
}

// count records the group's members (membership.Index.MembersOf). The controller's own number
// wins when it is larger: it may know of a VPSieNode the snapshot's cache has not caught up with.
func (g *group) count(members []*v1alpha1.VPSieNode, reported int32) {
	for _, vn := range members {
		g.members++
		g.dcMembers[vn.Spec.DatacenterID]++
	}
	g.members = max(g.members, reported)
}

// usable reports whether the planner may add nodes to the group at all.
func (g *group) usable() bool { return g.issue.ok() && g.gate.ok() }

func (g *group) size() int32 { return g.members + g.planned }

func (g *group) preferred() string { return g.ng.Spec.PreferredInstanceType }
