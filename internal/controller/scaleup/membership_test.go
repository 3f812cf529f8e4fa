package scaleup

import (
	"context"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/config"
	"github.com/vpsie/vpsie-autoscaler/internal/membership/membershiptest"
	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// TestObserveCountsMembersByTheOneRule: the member count the controller hands the planner
// is the membership rule's answer on the shared fixture. It once counted a VPSieNode in the
// Terminating phase (not yet deleted) as a member while the planner did not.
func TestObserveCountsMembersByTheOneRule(t *testing.T) {
	ng := &v1alpha1.NodeGroup{}
	ng.Namespace, ng.Name = membershiptest.Group.Namespace, membershiptest.Group.Name
	objs := []client.Object{ng}
	for _, vn := range membershiptest.VPSieNodes("dc1", "std") {
		objs = append(objs, vn.DeepCopy())
	}
	p, _ := observingProvisioner(objs...)
	s, err := p.observe(context.Background(), contract.Catalogue{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Groups[membershiptest.Group].Members; got != membershiptest.Members {
		t.Fatalf("members = %d, want %d", got, membershiptest.Members)
	}
}

// observingProvisioner is a provisioner over a fake cluster of objs, enough to observe.
func observingProvisioner(objs ...client.Object) (*Provisioner, client.Client) {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = v1alpha1.AddToScheme(scheme)
	kube := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build()
	clk := clocktesting.NewFakeClock(time.Unix(1000, 0))
	return NewProvisioner(kube, nil, nil, clk, "c", config.ScaleUpConfig{MinBackoff: 30 * time.Second, MaxBackoff: time.Minute}, nil, nil), kube
}
