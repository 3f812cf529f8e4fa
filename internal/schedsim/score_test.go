package schedsim

import (
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestScoreRanksNodesAsTheSchedulersResourceScores(t *testing.T) {
	alloc := Resources{CPU: 4000, Memory: 8 * gi, Pods: 110}
	withUsed := func(cpu, mem int64) *Node {
		return &Node{Alloc: alloc, Free: alloc.Minus(Resources{CPU: cpu, Memory: mem, Pods: 1})}
	}
	onePod := func(cpu, mem string) *PodInfo { p := pod("p", cpu, mem); return NewPodInfo(&p, nil) }
	tests := []struct {
		name string
		node *Node
		pod  *PodInfo
		want int64
	}{
		// 1 of 4 CPU and 2 of 8Gi used with the pod: 75 free on each, used shares equal.
		{name: "an empty node: least allocated and balanced", node: withUsed(0, 0), pod: onePod("1", "2Gi"), want: 75 + 100},
		// CPU 3/4 used, memory 2/8: least (25+75)/2 = 50; balanced 1 − (0.75−0.25)/2 = 0.75.
		{name: "a node used unevenly scores less for balance", node: withUsed(2000, 0), pod: onePod("1", "2Gi"), want: 50 + 75},
		// A pod without requests counts as 100m and 200Mi, as the scheduler's non-zero requests.
		{name: "a pod without requests counts the scheduler's defaults", node: withUsed(0, 0), pod: onePod("0", "0"),
			want: (97+97)/2 + 99},
		// CPU over allocatable leaves nothing and its share counts as 1; memory 200Mi of 8Gi: 97, share 0.024.
		{name: "a node over its allocatable scores nothing for what is left", node: withUsed(4000, 0), pod: onePod("1", "0"),
			want: (0+97)/2 + 51},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Score(tt.node, tt.pod); got != tt.want {
				t.Fatalf("score %d, want %d", got, tt.want)
			}
		})
	}
}

func TestQueueOrderTakesPodsAsTheSchedulersQueue(t *testing.T) {
	at := func(name string, sec int, prio int32) *PodInfo {
		p := pod(name, "1", "1Gi")
		p.CreationTimestamp = metav1.NewTime(metav1Now.Add(time.Duration(sec) * time.Second))
		if prio != 0 {
			p.Spec.Priority = &prio
		}
		return NewPodInfo(&p, nil)
	}
	pods := []*PodInfo{at("late", 2, 0), at("b", 1, 0), at("urgent", 3, 1000), at("a", 1, 0)}
	QueueOrder(pods)
	var got []string
	for _, p := range pods {
		got = append(got, p.Name.Name)
	}
	if want := []string{"urgent", "a", "b", "late"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v (priority, then age, then name)", got, want)
	}
}
