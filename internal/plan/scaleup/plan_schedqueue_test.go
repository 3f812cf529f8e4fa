package scaleup

import (
	"testing"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestSchedulerRoundsBuyForThePodsTheSchedulersSpreadingLeavesPending(t *testing.T) {
	// Five 1-CPU pods and one of 3 CPU fill two 4-core nodes exactly. The scheduler takes the small pods first (by
	// name) and spreads them, least allocated first: 3 and 2 CPU used, and the large pod fits neither.
	pods := append(replicas("a-small", 5, "1", "1Gi"), replicas("z-big", 1, "3", "1Gi")...)
	tests := []struct {
		name   string
		rounds int
		want   int32
	}{
		{name: "without the check the plan packs two nodes", rounds: 0, want: 2},
		{name: "one round buys a third node for the large pod", rounds: 1, want: 3},
		{name: "a second round finds the scheduler places every pod on the three", rounds: 2, want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			o.SchedulerRounds = tt.rounds
			s := Snapshot{Now: now, NodeGroups: []*v1alpha1.NodeGroup{nodeGroup("g", "m")},
				Offerings: []Offering{offer("m", 4, 16, 20)}, Pending: ptrs(pods)}
			pl, r := plan(s, o)
			if got := r.NewNodes(); got != tt.want || len(r.Unschedulable) != 0 {
				t.Fatalf("bought %d nodes (%d pods unschedulable), want %d", got, len(r.Unschedulable), tt.want)
			}
			placed := 0
			for _, in := range r.Intents {
				placed += len(in.Pods)
			}
			if placed != len(pods) {
				t.Fatalf("%d pods placed, want %d", placed, len(pods))
			}
			replay(t, pl)
		})
	}
}
