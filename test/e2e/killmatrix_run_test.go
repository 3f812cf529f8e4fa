//go:build e2e

package e2e

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

// killFlags run scale-down and rebalance passes every 2 s (scaleDownFlags, rebalanceFlags),
// so a restarted autoscaler picks its operations up quickly.
var killFlags = append(append([]string{}, scaleDownFlags...), rebalanceFlags...)

// convergeWithin bounds the wait for a cell's end state after the restart.
const convergeWithin = 4 * time.Minute

// runCell runs one cell in a fresh namespace and NodeGroup and fills r.
func runCell(t *testing.T, r *cellResult) {
	c := r.cell
	ns, g := namespace(t, "e2e-km-"+c.tag()), "km-"+c.tag()
	first := env.autoscaler(t, g+"-1", killFlags...)
	c.sc.setup(t, ns, g)
	evictions := watchEvictions(t, ns)
	sampler := sampleGroup(ns, g)
	tc := dialTemporal(t)
	id := c.sc.trigger(t, tc, ns, g)
	r.killedAfter = killAt(t, tc, first, id, c)
	restarted := time.Now()
	env.autoscaler(t, g+"-2", killFlags...)
	err := waitFor(convergeWithin, func() error {
		if err := workflowClosed(tc, id); err != nil {
			return err
		}
		return c.sc.converged(t, ns, g)
	})
	samples := sampler.stop()
	if err != nil {
		r.problems = append(r.problems, fmt.Sprintf("not converged %s after the restart: %v", convergeWithin, err))
	} else {
		r.converged = time.Since(restarted)
		r.problems = append(r.problems, checkInvariants(t, tc, c.sc, ns, g, id, samples, evictions)...)
	}
	for _, p := range r.problems {
		t.Error(p)
	}
	t.Logf("%s: killed %s; converged %s after the restart", c.name(), r.killedAfter, r.converged.Round(100*time.Millisecond))
	clearCell(t, ns, g)
}

// errFinal marks a condition that can no longer come true: waitFor stops at once.
var errFinal = errors.New("final")

// waitFor polls cond every half second until it holds, or returns its last error after
// limit or once it is final.
func waitFor(limit time.Duration, cond func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := cond()
		if err == nil || errors.Is(err, errFinal) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// clearCell removes the cell's workload and nodes through the termination path, so cells
// do not pile VPSs into the datacenter; it waits a little, best effort.
func clearCell(t *testing.T, ns, g string) {
	ctx := context.Background()
	var ng v1alpha1.NodeGroup
	if err := env.kube.Get(ctx, client.ObjectKey{Namespace: ns, Name: g}, &ng); err == nil {
		patch := client.MergeFrom(ng.DeepCopy())
		ng.Spec.MinNodes, ng.Spec.ScaleDownPolicy.Enabled = 0, ptr.To(false)
		_ = env.kube.Patch(ctx, &ng, patch)
	}
	_ = env.kube.DeleteAllOf(ctx, &appsv1.Deployment{}, client.InNamespace(ns))
	_ = env.kube.DeleteAllOf(ctx, &corev1.Pod{}, client.InNamespace(ns), client.GracePeriodSeconds(0))
	_ = env.kube.DeleteAllOf(ctx, &v1alpha1.VPSieNode{}, client.InNamespace(ns))
	err := waitFor(45*time.Second, func() error {
		if n := len(vpsieNodes(t, ns)); n > 0 {
			return fmt.Errorf("%d VPSieNodes left", n)
		}
		return nil
	})
	if err != nil {
		t.Logf("clearing the cell: %v (the next autoscaler finishes it)", err)
	}
}
