package rebalance

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// web is what a node runs in most cases: 1.5 CPU and 2Gi of a ReplicaSet, which fits on
// small (2 CPU, 4Gi) but not on tiny (1 CPU, 1Gi).
func web(name string) corev1.Pod { return pod(name, "1500m", "2Gi") }

func i32(v int32) *int32 { return &v }

// batches renders a plan as node>target per batch.
func batches(r Result) [][]string {
	if len(r.Plans) == 0 {
		return nil
	}
	var out [][]string
	for _, b := range r.Plans[0].Batches {
		var names []string
		for _, rep := range b {
			names = append(names, rep.Node+">"+rep.Targets[0].Offering+":"+rep.Reason.String())
		}
		out = append(out, names)
	}
	return out
}

func excluded(r Result) []string {
	var out []string
	for _, e := range r.Excluded {
		out = append(out, e.Node+":"+e.Reason.String())
	}
	return out
}

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name         string
		snap         func() Snapshot
		wantBatches  [][]string
		wantExcluded []string
		wantGroup    Reason
	}{
		{
			name:        "a cheaper allowed offering fits the pods: the cheapest that fits, not the cheapest",
			snap:        func() Snapshot { return snapshot(nodeGroup(), newMember("n-1", "big", web("a"))) },
			wantBatches: [][]string{{"n-1>small:CheaperOffering"}},
		},
		{
			name: "DaemonSet pods stay on the replacement and take its room",
			snap: func() Snapshot {
				return snapshot(nodeGroup(), newMember("n-1", "big", web("a"), daemonPod("ds-1", "600m")))
			},
			wantExcluded: []string{"n-1:NoCheaperFit"}, wantGroup: ReasonNothingToReplace,
		},
		{
			name: "savings below the threshold are not worth the disruption",
			snap: func() Snapshot {
				ng := nodeGroup()
				ng.Spec.RebalancePolicy.SavingsThresholdPercent = 60 // big $40 -> at most $16: only tiny, too small
				return snapshot(ng, newMember("n-1", "big", web("a")))
			},
			wantExcluded: []string{"n-1:NoCheaperFit"}, wantGroup: ReasonNothingToReplace,
		},
		{
			name:         "pods that need the node's size: no cheaper fit",
			snap:         func() Snapshot { return snapshot(nodeGroup(), newMember("n-1", "big", pod("a", "3", "2Gi"))) },
			wantExcluded: []string{"n-1:NoCheaperFit"}, wantGroup: ReasonNothingToReplace,
		},
		{
			name: "an offering no longer allowed is drift, replaced whatever the price; the cheaper node first by savings",
			snap: func() Snapshot {
				return snapshot(nodeGroup(), newMember("n-1", "legacy", web("a")), newMember("n-2", "big", web("b")))
			},
			wantBatches: [][]string{{"n-1>small:OfferingNotAllowed"}, {"n-2>small:CheaperOffering"}},
		},
		{
			name: "an image changed by kubectl edit is drift: same offering when it is the cheapest fit",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.vn.Spec.ImageID = "img-1"
				return snapshot(nodeGroup(), m)
			},
			wantBatches: [][]string{{"n-1>small:ImageChanged"}},
		},
		{
			name: "a kubelet older than spec.kubernetesVersion is drift",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "v1.35.9"
				return snapshot(nodeGroup(), m)
			},
			wantBatches: [][]string{{"n-1>small:KubernetesVersionChanged"}},
		},
		{
			name: "drift with pods no allowed offering takes",
			snap: func() Snapshot {
				m := newMember("n-1", "legacy", pod("a", "3500m", "2Gi"), pod("b", "1", "1Gi"))
				return snapshot(nodeGroup(), m)
			},
			wantExcluded: []string{"n-1:NoFittingOffering"}, wantGroup: ReasonNothingToReplace,
		},
		{
			name:         "an offering the catalogue has no price for",
			snap:         func() Snapshot { return snapshot(nodeGroup(), newMember("n-1", "ghost", web("a"))) },
			wantExcluded: []string{"n-1:UnknownOffering"}, wantGroup: ReasonNothingToReplace,
		},
		{
			name: "not managed, already draining, and not Ready nodes are left out",
			snap: func() Snapshot {
				unmanaged := newMember("n-1", "big", web("a"))
				delete(unmanaged.node.Node.Labels, v1alpha1.LabelManaged)
				draining := newMember("n-2", "big", web("b"))
				notReady := newMember("n-3", "big", web("c"))
				notReady.node.Node.Status.Conditions[0].Status = corev1.ConditionFalse
				ok := newMember("n-4", "big", web("d"))
				s := snapshot(nodeGroup(), unmanaged, draining, notReady, ok)
				s.Draining = []string{"n-2"}
				ng := s.NodeGroups[0]
				ng.Spec.RebalancePolicy.MinHealthyPercent = i32(0)
				return s
			},
			wantBatches:  [][]string{{"n-4>small:CheaperOffering"}},
			wantExcluded: []string{"n-1:NotManaged", "n-2:DrainInProgress", "n-3:NodeNotReady"},
		},
		{
			name: "the scale-down safety checks: do-not-disrupt, a budget that allows nothing, a protected node",
			snap: func() Snapshot {
				dnd := web("a")
				dnd.Annotations = map[string]string{v1alpha1.AnnotationDoNotDisrupt: "true"}
				guarded := pod("b", "1500m", "2Gi")
				guarded.Labels = map[string]string{"app": "guarded"}
				protected := newMember("n-3", "big", web("c"))
				protected.node.Node.Annotations = map[string]string{v1alpha1.AnnotationProtected: "true"}
				s := snapshot(nodeGroup(), newMember("n-1", "big", dnd), newMember("n-2", "big", guarded), protected)
				b := pdb("guarded", 0)
				b.Spec.Selector.MatchLabels = map[string]string{"app": "guarded"}
				s.PDBs = append(s.PDBs, b)
				return s
			},
			wantExcluded: []string{"n-1:DoNotDisrupt", "n-2:PodDisruptionBudget", "n-3:ProtectedNode"},
			wantGroup:    ReasonNothingToReplace,
		},
		{
			name: "rebalancing disabled holds every candidate",
			snap: func() Snapshot {
				ng := nodeGroup()
				ng.Spec.RebalancePolicy.Enabled = false
				return snapshot(ng, newMember("n-1", "big", web("a")))
			},
			wantExcluded: []string{"n-1:RebalanceDisabled"}, wantGroup: ReasonRebalanceDisabled,
		},
		{
			name: "the annotation rebalance=now runs a disabled group and skips the cooldown",
			snap: func() Snapshot {
				ng := nodeGroup()
				ng.Spec.RebalancePolicy.Enabled = false
				s := snapshot(ng, newMember("n-1", "big", web("a")))
				s.Groups[groupKey] = GroupState{Manual: true, LastRebalance: now.Add(-time.Minute)}
				return s
			},
			wantBatches: [][]string{{"n-1>small:CheaperOffering"}},
		},
		{
			name: "the cooldown since the last rebalance (one hour by default)",
			snap: func() Snapshot {
				s := snapshot(nodeGroup(), newMember("n-1", "big", web("a")))
				s.Groups[groupKey] = GroupState{LastRebalance: now.Add(-59 * time.Minute)}
				return s
			},
			wantExcluded: []string{"n-1:Cooldown"}, wantGroup: ReasonCooldown,
		},
		{
			name: "the cooldown is over",
			snap: func() Snapshot {
				s := snapshot(nodeGroup(), newMember("n-1", "big", web("a")))
				s.Groups[groupKey] = GroupState{LastRebalance: now.Add(-61 * time.Minute)}
				return s
			},
			wantBatches: [][]string{{"n-1>small:CheaperOffering"}},
		},
		{
			name: "a rebalance already running",
			snap: func() Snapshot {
				s := snapshot(nodeGroup(), newMember("n-1", "big", web("a")))
				s.Groups[groupKey] = GroupState{Running: true}
				return s
			},
			wantExcluded: []string{"n-1:RebalanceInProgress"}, wantGroup: ReasonRebalanceInProgress,
		},
		{
			name: "outside the maintenance windows",
			snap: func() Snapshot {
				ng := nodeGroup()
				ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{
					{Days: []v1alpha1.Weekday{"Sat", "Sun"}, Start: "02:00", DurationMinutes: 120, TimeZone: "Europe/Berlin"}}
				return snapshot(ng, newMember("n-1", "big", web("a")))
			},
			wantExcluded: []string{"n-1:OutsideMaintenanceWindow"}, wantGroup: ReasonOutsideMaintenanceWindow,
		},
		{
			name: "inside a maintenance window (04:30 in Berlin is 02:30 UTC in June)",
			snap: func() Snapshot {
				ng := nodeGroup()
				ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{
					{Days: []v1alpha1.Weekday{"Wed"}, Start: "04:00", DurationMinutes: 60, TimeZone: "Europe/Berlin"}}
				return snapshot(ng, newMember("n-1", "big", web("a")))
			},
			wantBatches: [][]string{{"n-1>small:CheaperOffering"}},
		},
		{
			name: "fewer than 75% of the group Ready holds the group",
			snap: func() Snapshot {
				down := newMember("n-2", "big", web("b"))
				down.node.Node.Status.Conditions[0].Status = corev1.ConditionFalse
				return snapshot(nodeGroup(), newMember("n-1", "big", web("a")), down, newMember("n-3", "small", web("c")))
			},
			wantExcluded: []string{"n-1:GroupUnhealthy", "n-2:NodeNotReady", "n-3:NoCheaperFit"},
			wantGroup:    ReasonGroupUnhealthy,
		},
		{
			name: "a group whose SSH key Secret is missing makes no replacement",
			snap: func() Snapshot {
				ng := nodeGroup()
				s := snapshot(ng, newMember("n-1", "big", web("a")))
				st := s.Groups[ng.Key()]
				st.BootstrapInvalid = "SSHKeySecretNotFound: SSH key Secret ns/keys (spec.sshKeySecretRef) not found"
				s.Groups[ng.Key()] = st
				return s
			},
			wantExcluded: []string{"n-1:BootstrapConfigInvalid"}, wantGroup: ReasonBootstrapConfigInvalid,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze(tt.snap(), DefaultOptions())
			if got := batches(res); !equal2(got, tt.wantBatches) {
				t.Errorf("batches = %v, want %v", got, tt.wantBatches)
			}
			if got := excluded(res); !slices.Equal(got, tt.wantExcluded) {
				t.Errorf("excluded = %v, want %v (%+v)", got, tt.wantExcluded, res.Excluded)
			}
			if len(res.Groups) != 1 || res.Groups[0].Reason != tt.wantGroup {
				t.Errorf("group verdicts = %+v, want %s", res.Groups, tt.wantGroup)
			}
			for _, e := range res.Excluded {
				if e.Message == "" {
					t.Errorf("exclusion %+v has no message", e)
				}
			}
		})
	}
}

func equal2(a, b [][]string) bool {
	return slices.EqualFunc(a, b, func(x, y []string) bool { return slices.Equal(x, y) })
}

// Batches follow the strategy, and nodes drained together never need more from a budget
// than it allows.
func TestAnalyzeBatches(t *testing.T) {
	four := func(strategy v1alpha1.RebalanceStrategy, surge, unavailable int32, allowed int32) Snapshot {
		ng := nodeGroup()
		ng.Spec.RebalancePolicy.Strategy, ng.Spec.RebalancePolicy.MaxSurge = strategy, surge
		ng.Spec.RebalancePolicy.MaxUnavailable = unavailable
		// n-1 saves most (legacy is dearest and drifted), then big, big, mid.
		s := snapshot(ng, newMember("n-1", "big", web("a")), newMember("n-2", "big", web("b")),
			newMember("n-3", "mid", web("c")), newMember("n-4", "legacy", web("d")))
		if allowed >= 0 {
			s.PDBs = append(s.PDBs, pdb("web", allowed))
		}
		return s
	}
	tests := []struct {
		name         string
		snap         Snapshot
		want         [][]string
		wantExcluded []string
	}{
		{name: "rolling, maxUnavailable 1: one node per batch, drift first, then by savings",
			snap: four(v1alpha1.RebalanceRolling, 1, 1, -1),
			want: [][]string{{"n-4"}, {"n-1"}, {"n-2"}, {"n-3"}}},
		{name: "rolling, maxUnavailable 2", snap: four(v1alpha1.RebalanceRolling, 1, 2, -1),
			want: [][]string{{"n-4", "n-1"}, {"n-2", "n-3"}}},
		{name: "rolling, maxUnavailable 3, a budget that allows 2 at a time",
			snap: four(v1alpha1.RebalanceRolling, 1, 3, 2),
			want: [][]string{{"n-4", "n-1"}, {"n-2", "n-3"}}},
		{name: "surge, maxSurge 2, maxUnavailable 1: waves of two", snap: four(v1alpha1.RebalanceSurge, 2, 1, -1),
			want: [][]string{{"n-4", "n-1"}, {"n-2", "n-3"}}},
		{name: "surge, maxSurge 3, maxUnavailable 2: waves of the drain step's multiple", snap: four(v1alpha1.RebalanceSurge, 3, 2, -1),
			want: [][]string{{"n-4", "n-1"}, {"n-2", "n-3"}}},
		{name: "blue-green: one batch", snap: four(v1alpha1.RebalanceBlueGreen, 1, 0, -1),
			want: [][]string{{"n-4", "n-1", "n-2", "n-3"}}},
		{name: "blue-green with a budget of 3: the fourth node cannot go at once", snap: four(v1alpha1.RebalanceBlueGreen, 1, 0, 3),
			want: [][]string{{"n-4", "n-1", "n-2"}}, wantExcluded: []string{"n-3:PodDisruptionBudget"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze(tt.snap, DefaultOptions())
			var got [][]string
			for _, b := range batches(res) {
				var names []string
				for _, x := range b {
					names = append(names, x[:strings.Index(x, ">")])
				}
				got = append(got, names)
			}
			if !equal2(got, tt.want) {
				t.Errorf("batches = %v, want %v", got, tt.want)
			}
			if ex := excluded(res); !slices.Equal(ex, tt.wantExcluded) {
				t.Errorf("excluded = %v, want %v", ex, tt.wantExcluded)
			}
			if len(res.Plans) == 1 && res.Plans[0].MonthlySavings != 30+20+20+10 && len(tt.wantExcluded) == 0 {
				t.Errorf("plan savings = %v, want 80", res.Plans[0].MonthlySavings)
			}
		})
	}
}

// The plan ID is a function of what the plan does: the same analysis, whatever the order of
// the snapshot's slices, gives the same ID; another target gives another.
func TestPlanIDIsDeterministic(t *testing.T) {
	a := snapshot(nodeGroup(), newMember("n-1", "big", web("a")), newMember("n-2", "legacy", web("b")))
	b := snapshot(nodeGroup(), newMember("n-2", "legacy", web("b")), newMember("n-1", "big", web("a")))
	slices.Reverse(b.VPSieNodes)
	ra, rb := Analyze(a, DefaultOptions()), Analyze(b, DefaultOptions())
	if len(ra.Plans) != 1 || ra.Plans[0].ID == "" || ra.Plans[0].ID != rb.Plans[0].ID {
		t.Fatalf("plan IDs %+v and %+v", ra.Plans, rb.Plans)
	}
	c := snapshot(nodeGroup(), newMember("n-1", "big", pod("a", "2500m", "2Gi")), newMember("n-2", "legacy", web("b")))
	c.Offerings = catalogue
	if rc := Analyze(c, DefaultOptions()); rc.Plans[0].ID == ra.Plans[0].ID {
		t.Fatal("a different plan kept the ID")
	}
}

// The group's cost and potential savings are reported even when a gate holds it, and the
// plan converts to the workflow's batches with the target first.
func TestCostsAndWorkflowInput(t *testing.T) {
	ng := nodeGroup()
	ng.Spec.RebalancePolicy.MaintenanceWindows = []v1alpha1.MaintenanceWindow{{Start: "02:00", DurationMinutes: 60}}
	s := snapshot(ng, newMember("n-1", "big", web("a")), newMember("n-2", "small", web("b")))
	res := Analyze(s, DefaultOptions())
	if g := res.Groups[0]; g.MonthlyCost != 60 || g.PotentialSavings != 20 {
		t.Fatalf("group verdict %+v, want cost 60 and potential savings 20", g)
	}
	in := res.Plans[0].ContractBatches()
	rep := in[0].Replacements[0]
	if rep.Old.NodeName != "n-1" || rep.Old.VPSieNode.Namespace != "ns" || rep.Old.VPSieNode.Name != "vn-n-1" ||
		rep.Placements[0].OfferingID != "small" || rep.Placements[0].DatacenterID != "ams1" || rep.Placements[1].OfferingID != "mid" ||
		rep.MonthlySavings != 20 || rep.Reason != "CheaperOffering" {
		t.Fatalf("workflow replacement %+v", rep)
	}
	ws, err := Windows(s.NodeGroups[0], now)
	if err != nil || len(ws) != 31 || !ws[0].Start.Equal(now.Add(-30*time.Minute)) {
		t.Fatalf("windows %v (%d), %v", ws[:1], len(ws), err)
	}
}
