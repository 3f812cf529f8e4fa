package scaledown

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

// TestARunningRebalanceIsOffLimitsFromTheClusterView reads a surge rebalance of a
// min == max group as the cluster shows it (the old nodes' marks, the replacement's batch
// label, status.rebalance), plans on it and reports: nothing is drained, and the run's
// nodes carry the Rebalancing reason like any other scale-down reason.
func TestARunningRebalanceIsOffLimitsFromTheClusterView(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ng := &v1alpha1.NodeGroup{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "g"},
		Spec: v1alpha1.NodeGroupSpec{MinNodes: 3, MaxNodes: 3, DatacenterID: "dc1", OfferingIDs: []string{"o"}},
		Status: v1alpha1.NodeGroupStatus{Rebalance: &v1alpha1.NodeGroupRebalanceStatus{PlanID: "p1", Phase: "Paused",
			Paused: true, StartedAt: &metav1.Time{Time: at.Add(-time.Hour)}}}}
	objs := []client.Object{ng}
	for _, name := range []string{"a", "b", "c", "r0"} {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(at.Add(-2 * time.Hour)),
			Labels: map[string]string{v1alpha1.LabelManaged: "true", v1alpha1.LabelNodeGroup: "g", v1alpha1.LabelVPSieNode: name}},
			Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"),
				corev1.ResourceMemory: resource.MustParse("4Gi"), corev1.ResourcePods: resource.MustParse("110")}}}
		vn := &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, Labels: map[string]string{}},
			Spec:   v1alpha1.VPSieNodeSpec{NodeGroup: "g", Hostname: name, DatacenterID: "dc1"},
			Status: v1alpha1.VPSieNodeStatus{Phase: v1alpha1.PhaseReady, NodeName: name}}
		switch name {
		case "r0":
			vn.Labels[v1alpha1.LabelBatch] = v1alpha1.RebalanceBatchPrefix + "0a1b2c3d-0"
		default:
			n.Annotations = map[string]string{v1alpha1.AnnotationRebalanceStatus: "replacing", v1alpha1.AnnotationRebalancePlan: "p1"}
		}
		objs = append(objs, n, vn)
	}
	kube := fakeClient(objs...)
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	c := NewController(kube, nil, events.NewFakeRecorder(16), nil, config.Default().ScaleDown, plan.DefaultOptions(), m, NewReports())
	obs := observationOf(t, kube, at)
	s := c.snapshot(obs)
	for name := range s.Utilization {
		s.Utilization[name] = plan.Utilization{Below: true, Empty: true} // every node idle: only the run holds them
	}
	res := plan.Plan(s, plan.DefaultOptions())
	if len(res.Drains) != 0 {
		t.Fatalf("scale-down drains %+v during the group's rebalance", res.Drains)
	}
	c.report(context.Background(), obs, res)
	for _, name := range []string{"a", "b", "c", "r0"} {
		var n corev1.Node
		if err := kube.Get(context.Background(), client.ObjectKey{Name: name}, &n); err != nil {
			t.Fatal(err)
		}
		if got := n.Annotations[v1alpha1.AnnotationScaleDownBlocked]; !strings.HasPrefix(got, "Rebalancing: ") {
			t.Errorf("node %s: scale-down-blocked = %q, want the Rebalancing reason", name, got)
		}
	}
}
