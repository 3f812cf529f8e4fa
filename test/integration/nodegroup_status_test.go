package integration

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
	"github.com/vpsie/vpsie-autoscaler/internal/controller/nodegroup"
)

func TestNodeGroupStatusWrittenByControllerIsWhatKubectlShows(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	if err := c.Create(ctx, validNodeGroup(ns, "workers")); err != nil {
		t.Fatalf("creating nodegroup: %v", err)
	}
	memberNode(t, c, ns, "workers", "workers-a", v1alpha1.PhaseReady, ptrTo(true))
	memberNode(t, c, ns, "workers", "workers-b", v1alpha1.PhaseProvisioning, nil)
	memberNode(t, c, ns, "workers", "workers-c", v1alpha1.PhaseReady, ptrTo(false))
	startManager(t)

	var ng v1alpha1.NodeGroup
	eventually(t, "status reflects members", func() error {
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: "workers"}, &ng); err != nil {
			return err
		}
		st := ng.Status
		if st.CurrentNodes != 3 || st.ReadyNodes != 1 || st.DesiredNodes != 3 || st.ObservedGeneration != ng.Generation {
			return fmt.Errorf("current/ready/desired/observedGeneration = %d/%d/%d/%d",
				st.CurrentNodes, st.ReadyNodes, st.DesiredNodes, st.ObservedGeneration)
		}
		return nil
	})
	assertReason(t, ng, v1alpha1.ConditionReady, nodegroup.ReasonNodesNotReady)
	assertReason(t, ng, v1alpha1.ConditionScaling, nodegroup.ReasonScalingUp)
	if len(ng.Status.Nodes) != 3 || !ng.Status.Nodes[0].Ready || ng.Status.Nodes[1].Ready {
		t.Errorf("status.nodes = %+v, want a ready, b and c not", ng.Status.Nodes)
	}

	out, err := env.Kubectl("get", "nodegroup", "-n", ns, "workers", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	var shown v1alpha1.NodeGroup
	if err := yaml.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("decoding kubectl output: %v", err)
	}
	if !equality.Semantic.DeepEqual(shown.Status, ng.Status) {
		t.Fatalf("kubectl shows status\n%+v\nwant the controller's\n%+v", shown.Status, ng.Status)
	}
}

func TestNodeGroupStatusSurvivesConcurrentSpecEdits(t *testing.T) {
	env := needKube(t)
	c := env.Client
	ns := newNamespace(t, c)
	ctx := context.Background()
	key := client.ObjectKey{Namespace: ns, Name: "busy"}
	if err := c.Create(ctx, validNodeGroup(ns, "busy")); err != nil {
		t.Fatalf("creating nodegroup: %v", err)
	}
	startManager(t)

	const edits, members = 25, 6
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the user edits the spec with full updates, as kubectl edit does
		defer wg.Done()
		for i := range edits {
			err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
				var ng v1alpha1.NodeGroup
				if err := c.Get(ctx, key, &ng); err != nil {
					return err
				}
				ng.Spec.MaxNodes = int32(10 + i)
				return c.Update(ctx, &ng)
			})
			if err != nil {
				t.Errorf("spec edit %d: %v", i, err)
			}
		}
	}()
	go func() { // meanwhile the group's members change, so the controller writes status
		defer wg.Done()
		for i := range members {
			memberNode(t, c, ns, "busy", fmt.Sprintf("busy-%d", i), v1alpha1.PhaseReady, ptrTo(true))
		}
	}()
	wg.Wait()

	var ng v1alpha1.NodeGroup
	eventually(t, "status catches up with the last spec edit", func() error {
		if err := c.Get(ctx, key, &ng); err != nil {
			return err
		}
		st := ng.Status
		if st.ObservedGeneration != ng.Generation || st.CurrentNodes != members || st.ReadyNodes != members {
			return fmt.Errorf("generation %d observed %d, current %d ready %d",
				ng.Generation, st.ObservedGeneration, st.CurrentNodes, st.ReadyNodes)
		}
		return nil
	})
	if ng.Spec.MaxNodes != 10+edits-1 {
		t.Errorf("spec.maxNodes = %d, want the last edit %d: a status write lost a spec edit", ng.Spec.MaxNodes, 10+edits-1)
	}
	assertReason(t, ng, v1alpha1.ConditionReady, nodegroup.ReasonAllNodesReady)
	out, err := env.Kubectl("get", "nodegroup", "-n", ns, "busy", "-o", "jsonpath={.status.currentNodes}/{.status.observedGeneration}")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d/%d", members, ng.Generation); out != want {
		t.Errorf("kubectl shows %q, want %q", out, want)
	}
}

func assertReason(t *testing.T, ng v1alpha1.NodeGroup, typ, reason string) {
	t.Helper()
	c := meta.FindStatusCondition(ng.Status.Conditions, typ)
	if c == nil || c.Reason != reason || c.ObservedGeneration != ng.Generation {
		t.Errorf("condition %s = %+v, want reason %s at generation %d", typ, c, reason, ng.Generation)
	}
}
