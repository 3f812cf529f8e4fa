package scaledown

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

func TestOnlyNodesThatCouldGoCountAsBlocked(t *testing.T) {
	for _, tc := range []struct {
		reason plan.Reason
		want   bool
	}{
		{plan.ReasonPodDisruptionBudget, true},
		{plan.ReasonDoNotDisrupt, true},
		{plan.ReasonLocalStorage, true},
		{plan.ReasonPodsDoNotFit, true},
		{plan.ReasonAtMinNodes, true},
		{plan.ReasonScaleDownCooldown, true},
		{plan.ReasonNotUnderutilized, false},
		{plan.ReasonDrainInProgress, false},
		{plan.ReasonNotInNodeGroup, false},
		{plan.ReasonScaleDownDisabled, false},
		{plan.ReasonNotReadyYet, false},
		{plan.ReasonBooting, false},
		{plan.ReasonUnderutilized, false},
		{plan.ReasonNone, false},
	} {
		if got := blocking(tc.reason); got != tc.want {
			t.Errorf("blocking(%s) = %v, want %v", tc.reason, got, tc.want)
		}
	}
}

func TestABlockedNodeIsReportedOncePerReasonAndPod(t *testing.T) {
	pdb := plan.Verdict{Node: "n1", Reason: plan.ReasonPodDisruptionBudget, Message: "pod a/web-1 would exceed ...",
		Pod: types.NamespacedName{Namespace: "a", Name: "web-1"}}
	b := newBlockedNodes()
	steps := []struct {
		name   string
		v      plan.Verdict
		retain bool // the node was not blocked in between
		want   bool
	}{
		{"first sighting", pdb, false, true},
		{"same reason and pod, next pass", pdb, false, false},
		{"same reason and pod, new message", withMessage(pdb, "2 pods need it"), false, false},
		{"another pod blocks", withPod(pdb, "web-2"), false, true},
		{"another reason", plan.Verdict{Node: "n1", Reason: plan.ReasonDoNotDisrupt, Pod: pdb.Pod}, false, true},
		{"blocked again after it was free", plan.Verdict{Node: "n1", Reason: plan.ReasonDoNotDisrupt, Pod: pdb.Pod}, true, true},
	}
	for _, s := range steps {
		if s.retain {
			b.retain(map[string]bool{})
		}
		if got := b.changed(s.v.Node, s.v); got != s.want {
			t.Errorf("%s: changed = %v, want %v", s.name, got, s.want)
		}
	}
}

func withMessage(v plan.Verdict, m string) plan.Verdict { v.Message = m; return v }
func withPod(v plan.Verdict, pod string) plan.Verdict   { v.Pod.Name = pod; return v }

func TestTheAnnotationNamesTheReasonAndIsBounded(t *testing.T) {
	v := plan.Verdict{Reason: plan.ReasonDoNotDisrupt, Message: "pod a/b is annotated autoscaler.vpsie.com/do-not-disrupt=true"}
	if got, want := annotation(v), "DoNotDisrupt: pod a/b is annotated autoscaler.vpsie.com/do-not-disrupt=true"; got != want {
		t.Errorf("annotation = %q, want %q", got, want)
	}
	v.Message = strings.Repeat("x", 5000)
	if got := annotation(v); len(got) != maxAnnotation || !strings.HasSuffix(got, "...") {
		t.Errorf("long annotation has %d bytes, want %d ending in ...", len(got), maxAnnotation)
	}
}

func TestReportsAnnounceOnlyGroupsWhoseReportChanged(t *testing.T) {
	r := NewReports()
	groups := []*v1alpha1.NodeGroup{{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "g1"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "g2"}}}
	g1 := types.NamespacedName{Namespace: "a", Name: "g1"}
	blocked := map[types.NamespacedName][]v1alpha1.BlockedNode{g1: {{Node: "n1", Reason: "DoNotDisrupt"}}}
	at := time.Unix(1000, 0)
	for _, step := range []struct {
		name    string
		groups  []*v1alpha1.NodeGroup
		blocked map[types.NamespacedName][]v1alpha1.BlockedNode
		started map[types.NamespacedName]time.Time
		want    []string
	}{
		{"first plan announces every group", groups, blocked, nil, []string{"g1", "g2"}},
		{"the same plan announces none", groups, blocked, nil, nil},
		{"a drain of g2 starts", groups, blocked, map[types.NamespacedName]time.Time{{Namespace: "a", Name: "g2"}: at}, []string{"g2"}},
		{"g1 unblocked, g2 deleted", groups[:1], nil, nil, []string{"g1", "g2"}},
	} {
		r.Replace(reportsOf(step.groups, step.blocked, step.started))
		var got []string
		for len(r.Changes()) > 0 {
			got = append(got, (<-r.Changes()).Object.Name)
		}
		if strings.Join(sorted(got), ",") != strings.Join(step.want, ",") {
			t.Errorf("%s: announced %v, want %v", step.name, got, step.want)
		}
	}
	if rep, ok := r.Get(g1); !ok || len(rep.Blocked) != 0 {
		t.Errorf("g1's report = %+v, %v; want present with no blocked node", rep, ok)
	}
}

func sorted(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
