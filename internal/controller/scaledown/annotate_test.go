package scaledown

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

// TestABlockedNodeCarriesItsReasonUntilItIsFree runs report over passes of one plan and
// checks the node's annotation, the events and the group's report after each.
func TestABlockedNodeCarriesItsReasonUntilItIsFree(t *testing.T) {
	group := types.NamespacedName{Namespace: "ns", Name: "g"}
	pod := types.NamespacedName{Namespace: "ns", Name: "pinned-1"}
	pinned := plan.Verdict{Node: "n1", NodeGroup: group, Reason: plan.ReasonDoNotDisrupt, Pod: pod,
		Message: "pod ns/pinned-1 is annotated autoscaler.vpsie.com/do-not-disrupt=true"}
	budget := plan.Verdict{Node: "n1", NodeGroup: group, Reason: plan.ReasonPodDisruptionBudget, Pod: pod,
		Message: "pod ns/pinned-1 would exceed PodDisruptionBudget web: 1 pods of the node need it, 0 disruptions allowed"}
	busy := plan.Verdict{Node: "n1", NodeGroup: group, Reason: plan.ReasonNotUnderutilized, Message: "CPU at 70%"}

	kube := fakeClient(&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"}},
		&corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "unmanaged"}},
		&v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g"}})
	rec := events.NewFakeRecorder(16)
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	c := NewController(kube, nil, rec, nil, config.Default().ScaleDown, plan.DefaultOptions(), m, NewReports())
	for _, step := range []struct {
		name           string
		kept           []plan.Verdict
		wantAnnotation string
		wantEvents     int
		wantBlocked    int
	}{
		{"first blocked pass", []plan.Verdict{pinned}, "DoNotDisrupt: " + pinned.Message, 1, 1},
		{"same verdict again", []plan.Verdict{pinned}, "DoNotDisrupt: " + pinned.Message, 0, 1},
		{"another check blocks", []plan.Verdict{budget}, "PodDisruptionBudget: " + budget.Message, 1, 1},
		{"no longer a candidate", []plan.Verdict{busy}, "", 0, 0},
		{"blocked again", []plan.Verdict{pinned}, "DoNotDisrupt: " + pinned.Message, 1, 1},
		{"drained", nil, "", 0, 0},
	} {
		obs := observationOf(t, kube, time.Unix(1000, 0))
		c.report(context.Background(), obs, plan.Result{Kept: step.kept})
		var n corev1.Node
		if err := kube.Get(context.Background(), client.ObjectKey{Name: "n1"}, &n); err != nil {
			t.Fatal(err)
		}
		got, has := n.Annotations[v1alpha1.AnnotationScaleDownBlocked]
		if got != step.wantAnnotation || has != (step.wantAnnotation != "") {
			t.Errorf("%s: annotation = %q (present %v), want %q", step.name, got, has, step.wantAnnotation)
		}
		if n := len(rec.Events); n != step.wantEvents {
			t.Errorf("%s: %d events, want %d", step.name, n, step.wantEvents)
		}
		for len(rec.Events) > 0 {
			<-rec.Events
		}
		rep, _ := c.reports.Get(group)
		if len(rep.Blocked) != step.wantBlocked {
			t.Errorf("%s: the group's report lists %d blocked nodes, want %d", step.name, len(rep.Blocked), step.wantBlocked)
		}
	}
	var other corev1.Node
	if err := kube.Get(context.Background(), client.ObjectKey{Name: "unmanaged"}, &other); err != nil {
		t.Fatal(err)
	}
	if len(other.Annotations) != 0 {
		t.Errorf("a node the plan never named got annotations %v", other.Annotations)
	}
}
