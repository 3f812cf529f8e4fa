package schedsim

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// HostPort is a port a pod takes on its node's own network: two pods whose host ports
// conflict never share a node (the scheduler's NodePorts filter).
type HostPort struct {
	Protocol corev1.Protocol
	IP       string // 0.0.0.0 when the pod binds every address
	Port     int32
}

const anyIP = "0.0.0.0"

// hostPorts are the host ports of the pod's containers and of its sidecar (restartable init)
// containers. A hostNetwork pod's container ports are host ports: the API server defaults
// hostPort to containerPort for such pods; a pod that skipped defaulting is read the same way.
func hostPorts(spec *corev1.PodSpec) []HostPort {
	var out []HostPort
	add := func(c *corev1.Container) {
		for _, p := range c.Ports {
			port := p.HostPort
			if port == 0 && spec.HostNetwork {
				port = p.ContainerPort
			}
			if port == 0 {
				continue
			}
			hp := HostPort{Protocol: p.Protocol, IP: p.HostIP, Port: port}
			if hp.Protocol == "" {
				hp.Protocol = corev1.ProtocolTCP
			}
			if hp.IP == "" {
				hp.IP = anyIP
			}
			out = append(out, hp)
		}
	}
	for i := range spec.Containers {
		add(&spec.Containers[i])
	}
	for i := range spec.InitContainers {
		if c := &spec.InitContainers[i]; c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add(c)
		}
	}
	return out
}

// conflicts mirrors the scheduler's rule: the same protocol and port, on the same address
// or on every address on either side.
func (h HostPort) conflicts(o HostPort) bool {
	return h.Port == o.Port && h.Protocol == o.Protocol && (h.IP == anyIP || o.IP == anyIP || h.IP == o.IP)
}

func (h HostPort) String() string {
	return h.IP + ":" + strconv.Itoa(int(h.Port)) + "/" + string(h.Protocol)
}

// hostPortsFree refuses p a node where a pod already holds one of its host ports. Every pod
// bound to the node counts, terminating ones too: the scheduler counts them until they go.
func hostPortsFree(p *PodInfo, n *Node) Failure {
	if len(p.Ports) == 0 {
		return Failure{}
	}
	for _, q := range n.Pods {
		for _, theirs := range q.Ports {
			for _, mine := range p.Ports {
				if mine.conflicts(theirs) {
					return fail(ReasonHostPortConflict, "host port "+mine.String()+" is taken by pod "+q.Name.String())
				}
			}
		}
	}
	return Failure{}
}
