package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestResourcesFit(t *testing.T) {
	free := Resources{CPU: 2000, Memory: 4 * gi, Storage: 10 * gi, Pods: 3}
	gpu := corev1.ResourceName("nvidia.com/gpu")
	tests := []struct {
		name string
		req  Resources
		want Reason
	}{
		{name: "within every dimension", req: Resources{CPU: 2000, Memory: 4 * gi, Storage: 10 * gi, Pods: 1}},
		{name: "too much CPU", req: Resources{CPU: 2001, Pods: 1}, want: ReasonInsufficientCPU},
		{name: "too much memory", req: Resources{Memory: 5 * gi, Pods: 1}, want: ReasonInsufficientMemory},
		{name: "too much ephemeral storage", req: Resources{Storage: 11 * gi, Pods: 1}, want: ReasonInsufficientEphemeralStorage},
		{name: "no pod slot left", req: Resources{Pods: 4}, want: ReasonTooManyPods},
		{name: "an extended resource the node lacks", req: Resources{Pods: 1, Extended: map[corev1.ResourceName]int64{gpu: 1}}, want: ReasonInsufficientExtendedResource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResourcesFit(tt.req, free); got.Reason != tt.want {
				t.Fatalf("reason = %v, want %v", got.Reason, tt.want)
			}
		})
	}
}

func TestCopiesInIsLimitedByTheTightestDimension(t *testing.T) {
	free := Resources{CPU: 4000, Memory: 3 * gi, Pods: 110}
	tests := []struct {
		name string
		req  Resources
		want int64
	}{
		{name: "memory binds", req: Resources{CPU: 500, Memory: gi, Pods: 1}, want: 3},
		{name: "cpu binds", req: Resources{CPU: 1500, Memory: 100, Pods: 1}, want: 2},
		{name: "a pod asking nothing is limited by pod slots", req: Resources{Pods: 1}, want: 110},
		{name: "a pod larger than the node fits none", req: Resources{CPU: 5000, Pods: 1}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.CopiesIn(free); got != tt.want {
				t.Fatalf("copiesIn = %d, want %d", got, tt.want)
			}
		})
	}
}
