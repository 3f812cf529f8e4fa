package schedsim

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// withHostPort makes the pod take port on its node's network (protocol TCP unless given).
func withHostPort(p corev1.Pod, port int32, ip string, proto corev1.Protocol) corev1.Pod {
	p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports,
		corev1.ContainerPort{ContainerPort: port, HostPort: port, HostIP: ip, Protocol: proto})
	return p
}

func TestHostPortsConflictAsTheSchedulerCountsThem(t *testing.T) {
	tests := []struct {
		name     string
		bound    corev1.Pod
		pending  corev1.Pod
		conflict bool
	}{
		{"the same port on every address", withHostPort(pod("a", "1", "1Gi"), 80, "", ""), withHostPort(pod("b", "1", "1Gi"), 80, "", ""), true},
		{"another port", withHostPort(pod("a", "1", "1Gi"), 80, "", ""), withHostPort(pod("b", "1", "1Gi"), 81, "", ""), false},
		{"another protocol", withHostPort(pod("a", "1", "1Gi"), 53, "", corev1.ProtocolUDP), withHostPort(pod("b", "1", "1Gi"), 53, "", corev1.ProtocolTCP), false},
		{"two distinct addresses", withHostPort(pod("a", "1", "1Gi"), 80, "10.0.0.1", ""), withHostPort(pod("b", "1", "1Gi"), 80, "10.0.0.2", ""), false},
		{"one address and every address", withHostPort(pod("a", "1", "1Gi"), 80, "10.0.0.1", ""), withHostPort(pod("b", "1", "1Gi"), 80, "", ""), true},
		{"a hostNetwork pod's container port is a host port", withHostPort(pod("a", "1", "1Gi"), 53, "", ""), func() corev1.Pod {
			p := pod("b", "1", "1Gi")
			p.Spec.HostNetwork = true
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 53}}
			return p
		}(), true},
		{"a plain container port is no host port", withHostPort(pod("a", "1", "1Gi"), 8080, "", ""), func() corev1.Pod {
			p := pod("b", "1", "1Gi")
			p.Spec.Containers[0].Ports = []corev1.ContainerPort{{ContainerPort: 8080}}
			return p
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewExistingNode(addr(node("n", "8", "16Gi", nil, tt.bound)), 110, nil)
			f := hostPortsFree(NewPodInfo(&tt.pending, nil), n)
			if got := f.Reason == ReasonHostPortConflict; got != tt.conflict {
				t.Fatalf("conflict = %v (%s), want %v", got, f.Message, tt.conflict)
			}
		})
	}
}

// A node's pods fit elsewhere only where their host ports are free: scale-down's and the
// rebalance's fits-elsewhere checks used to move a port-80 pod onto a node that had one.
func TestMovingPodsNeedTheirHostPortsFree(t *testing.T) {
	nodes := []ExistingNode{
		node("a", "4", "8Gi", nil, withHostPort(pod("ingress-1", "100m", "1Mi"), 80, "", "")),
		node("b", "4", "8Gi", nil, withHostPort(pod("ingress-2", "100m", "1Mi"), 80, "", "")),
		node("c", "4", "8Gi", nil),
	}
	moves, _, ok := NewSimulation(nodes, DefaultOptions()).TryRemove("a")
	if want := []Placement{{Pod: key("ingress-1"), Node: "c"}}; !ok || !reflect.DeepEqual(moves, want) {
		t.Errorf("with a free node: %v %v, want %v", moves, ok, want)
	}
	_, refused, ok := NewSimulation(nodes[:2], DefaultOptions()).TryRemove("a")
	if ok || refused.Reason != ReasonHostPortConflict {
		t.Errorf("without: ok %v, refused %+v; want HostPortConflict", ok, refused)
	}
}

func addr[T any](v T) *T { return &v }
