package scaledown

import (
	"slices"
	"strings"
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestBlockingNamesEveryReasonNotOnlyTheFirst(t *testing.T) {
	web := annotated(pod("web", "100m", "128Mi"), v1alpha1.AnnotationDoNotDisrupt, "true")
	db := pod("db", "100m", "128Mi")
	tests := []struct {
		name  string
		edit  func(*Snapshot)
		node  string
		want  []Reason
		texts []string
	}{
		{name: "annotation, budget and minNodes together", node: "n1",
			edit:  func(s *Snapshot) { s.PDBs = append(s.PDBs, pdb("db-pdb", appIs("db"), 0)) },
			want:  []Reason{ReasonDoNotDisrupt, ReasonAtMinNodes, ReasonPodDisruptionBudget},
			texts: []string{"do-not-disrupt=true", "minNodes is 2", "PodDisruptionBudget db-pdb: 1 pods of the node need it, 0 disruptions allowed"}},
		{name: "busy and protected", node: "n1",
			edit: func(s *Snapshot) {
				s.Utilization["n1"] = Utilization{Detail: "cpu 80% above 50%"}
				s.Nodes[0].Node.Annotations = map[string]string{v1alpha1.AnnotationProtected: "true"}
			},
			want: []Reason{ReasonNotUnderutilized, ReasonProtectedNode, ReasonDoNotDisrupt, ReasonAtMinNodes}},
		{name: "an unmanaged node has Plan's one verdict", node: "n2",
			edit: func(s *Snapshot) { s.VPSieNodes = s.VPSieNodes[:1] },
			want: []Reason{ReasonNotInNodeGroup}},
		{name: "a node nothing keeps has none", node: "n1",
			edit: func(s *Snapshot) {
				s.Nodes[0].Pods = s.Nodes[0].Pods[:1]
				s.NodeGroups[0].Spec.MinNodes = 1
			},
			want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := snapshot(groups(nodeGroup("g", 2, 5)), node("n1", "g", "2", "4Gi", db, web), node("n2", "g", "4", "8Gi"))
			tt.edit(&s)
			got := Blocking(s, DefaultOptions(), tt.node)
			var reasons []Reason
			var all []string
			for _, v := range got {
				reasons = append(reasons, v.Reason)
				all = append(all, v.Message)
			}
			if !slices.Equal(reasons, tt.want) {
				t.Fatalf("reasons = %v, want %v (%q)", reasons, tt.want, all)
			}
			joined := strings.Join(all, "\n")
			for _, text := range tt.texts {
				if !strings.Contains(joined, text) {
					t.Errorf("messages %q lack %q", joined, text)
				}
			}
		})
	}
}
