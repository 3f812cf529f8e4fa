package scaleup

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestResourcesFit(t *testing.T) {
	free := resources{cpu: 2000, memory: 4 * gi, storage: 10 * gi, pods: 3}
	gpu := corev1.ResourceName("nvidia.com/gpu")
	tests := []struct {
		name string
		req  resources
		want Reason
	}{
		{name: "within every dimension", req: resources{cpu: 2000, memory: 4 * gi, storage: 10 * gi, pods: 1}},
		{name: "too much CPU", req: resources{cpu: 2001, pods: 1}, want: ReasonInsufficientCPU},
		{name: "too much memory", req: resources{memory: 5 * gi, pods: 1}, want: ReasonInsufficientMemory},
		{name: "too much ephemeral storage", req: resources{storage: 11 * gi, pods: 1}, want: ReasonInsufficientEphemeralStorage},
		{name: "no pod slot left", req: resources{pods: 4}, want: ReasonTooManyPods},
		{name: "an extended resource the node lacks", req: resources{pods: 1, extended: map[corev1.ResourceName]int64{gpu: 1}}, want: ReasonInsufficientExtendedResource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resourcesFit(tt.req, free); got.reason != tt.want {
				t.Fatalf("reason = %v, want %v", got.reason, tt.want)
			}
		})
	}
}

func TestCopiesInIsLimitedByTheTightestDimension(t *testing.T) {
	free := resources{cpu: 4000, memory: 3 * gi, pods: 110}
	tests := []struct {
		name string
		req  resources
		want int64
	}{
		{name: "memory binds", req: resources{cpu: 500, memory: gi, pods: 1}, want: 3},
		{name: "cpu binds", req: resources{cpu: 1500, memory: 100, pods: 1}, want: 2},
		{name: "a pod asking nothing is limited by pod slots", req: resources{pods: 1}, want: 110},
		{name: "a pod larger than the node fits none", req: resources{cpu: 5000, pods: 1}, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.req.copiesIn(free); got != tt.want {
				t.Fatalf("copiesIn = %d, want %d", got, tt.want)
			}
		})
	}
}
