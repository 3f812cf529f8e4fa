package scaledown

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	plan "github.com/vpsie/vpsie-autoscaler/internal/plan/scaledown"
)

func TestSamplingCoversManagedNodesPastTheNewNodeGrace(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	node := func(name string, age time.Duration, managed bool) *corev1.Node {
		n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, CreationTimestamp: metav1.NewTime(now.Add(-age)),
			Labels: map[string]string{}}, Status: corev1.NodeStatus{Allocatable: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")}}}
		if managed {
			n.Labels[v1alpha1.LabelManaged] = "true"
		}
		return n
	}
	member := func(name string) *v1alpha1.VPSieNode {
		return &v1alpha1.VPSieNode{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name},
			Spec: v1alpha1.VPSieNodeSpec{NodeGroup: "g", Hostname: name}}
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default().ScaleDown
	c := NewController(nil, nil, nil, nil, cfg, plan.DefaultOptions(), m, NewReports()).SampleNodesOlderThan(2 * time.Minute)
	c.store.Add("left-the-cluster", utilizationSampleAt(now.Add(-time.Minute)))
	c.sample(observationOf(t, fakeClient(node("old", time.Hour, true), node("new", time.Minute, true),
		node("unmanaged", time.Hour, false), node("no-vpsienode", time.Hour, true),
		member("old"), member("new"), member("unmanaged")), now))
	got := c.store.Nodes()
	if len(got) != 1 || got[0] != "old" {
		t.Errorf("sampled nodes = %v, want only [old]: new nodes wait out the grace, unmanaged ones and those without a VPSieNode are never sampled, nodes that left are forgotten", got)
	}
}
