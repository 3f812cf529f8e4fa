package rebalance

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// installs sets what the group's user data installs: the kubelet a replacement reports.
func installs(s Snapshot, version string) Snapshot {
	st := s.Groups[groupKey]
	st.BootstrapKubelet = version
	s.Groups[groupKey] = st
	return s
}

func TestDriftCountsOnlyWhatTheBootstrapInstallsAndTheNodeReports(t *testing.T) {
	tests := []struct {
		name         string
		snap         func() Snapshot
		wantBatches  [][]string
		wantExcluded []string
	}{
		{
			name: "user data that installs no kubelet: the image's kubelet is not kubernetesVersion drift",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "v1.35.9"
				return installs(snapshot(nodeGroup(), m), "")
			},
			wantExcluded: []string{"n-1:NoCheaperFit"},
		},
		{
			name: "user data that installs another version: a replacement would drift the same way",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "v1.35.9"
				return installs(snapshot(nodeGroup(), m), "v1.35.9")
			},
			wantExcluded: []string{"n-1:NoCheaperFit"},
		},
		{
			name: "the same version in another spelling is no drift",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "v1.36.3+vpsie.1"
				ng := nodeGroup()
				ng.Spec.KubernetesVersion = "1.36.3"
				return installs(snapshot(ng, m), "1.36.3")
			},
			wantExcluded: []string{"n-1:NoCheaperFit"},
		},
		{
			name: "the reproduction: a node that reports no version of a package never drifts",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "vpsie-sim"
				return snapshot(nodeGroup(), m)
			},
			wantExcluded: []string{"n-1:NoCheaperFit"},
		},
		{
			name: "user data that installs spec.kubernetesVersion: an older kubelet is drift",
			snap: func() Snapshot {
				m := newMember("n-1", "small", web("a"))
				m.node.Node.Status.NodeInfo.KubeletVersion = "v1.35.9"
				return snapshot(nodeGroup(), m)
			},
			wantBatches: [][]string{{"n-1>small:KubernetesVersionChanged"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze(tt.snap(), DefaultOptions())
			if got := batches(res); !equal2(got, tt.wantBatches) {
				t.Errorf("batches = %v, want %v", got, tt.wantBatches)
			}
			if got := excluded(res); !equal1(got, tt.wantExcluded) {
				t.Errorf("excluded = %v, want %v (%+v)", got, tt.wantExcluded, res.Excluded)
			}
		})
	}
	t.Run("the exclusion says why a different kubelet is not drift", func(t *testing.T) {
		res := Analyze(tests[1].snap(), DefaultOptions())
		want := "kubelet v1.35.9 differs from spec.kubernetesVersion v1.36.3, but the group's user data installs kubelet v1.35.9"
		if len(res.Excluded) != 1 || !strings.Contains(res.Excluded[0].Message, want) {
			t.Errorf("exclusion %+v does not say %q", res.Excluded, want)
		}
	})
}

// A replacement dearer than its node is planned only for drift, and says what it costs and why.
func TestADearerReplacementNeedsDriftAndSaysSo(t *testing.T) {
	big := pod("a", "1800m", "3Gi") // fits on big (4 CPU) only among the allowed offerings
	t.Run("without drift a node is never moved to a dearer offering", func(t *testing.T) {
		ng := nodeGroup()
		ng.Spec.OfferingIDs = []string{"big", "small"}
		res := Analyze(snapshot(ng, newMember("n-1", "small", big)), DefaultOptions())
		if len(res.Plans) != 0 {
			t.Fatalf("planned %v without drift", batches(res))
		}
	})
	t.Run("with drift the plan says it costs more and why", func(t *testing.T) {
		ng := nodeGroup()
		ng.Spec.OfferingIDs = []string{"big"} // small is no longer allowed
		res := Analyze(snapshot(ng, newMember("n-1", "small", big)), DefaultOptions())
		if len(res.Plans) != 1 {
			t.Fatalf("no plan: %+v", res.Excluded)
		}
		rep := res.Plans[0].Batches[0][0]
		if rep.Reason != ReasonOfferingNotAllowed || rep.MonthlySavings != -20 {
			t.Fatalf("replacement %+v, want OfferingNotAllowed costing 20 more", rep)
		}
		for _, want := range []string{"costs 20.00/month more", "offering small is no longer in spec.offeringIDs"} {
			if !strings.Contains(rep.Message, want) {
				t.Errorf("message %q does not say %q", rep.Message, want)
			}
		}
	})
}

func equal1(a, b []string) bool { return strings.Join(a, "|") == strings.Join(b, "|") }

// A group being deleted or parked at maxNodes 0 is drained, never rebalanced, even on request.
func TestADeletedOrParkedGroupIsNotRebalanced(t *testing.T) {
	for name, edit := range map[string]func(s *Snapshot){
		"deleted": func(s *Snapshot) { s.NodeGroups[0].DeletionTimestamp = &metav1.Time{Time: now} },
		"parked":  func(s *Snapshot) { s.NodeGroups[0].Spec.MinNodes, s.NodeGroups[0].Spec.MaxNodes = 0, 0 },
	} {
		t.Run(name, func(t *testing.T) {
			s := snapshot(nodeGroup(), newMember("n-1", "big", web("a")))
			s.Groups[groupKey] = GroupState{Manual: true, BootstrapKubelet: "v1.36.3"}
			edit(&s)
			res := Analyze(s, DefaultOptions())
			if len(res.Plans) != 0 || res.Groups[0].Reason != ReasonRebalanceDisabled {
				t.Fatalf("plans %v, group %+v", batches(res), res.Groups)
			}
		})
	}
}
