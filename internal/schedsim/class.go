package schedsim

import (
	"sort"
	"strings"
)

// Class is a set of pending pods the scheduler cannot tell apart: same namespace, labels,
// requests and scheduling constraints, typically the replicas of one Deployment. Pods of a
// class are interchangeable, so a verdict for one holds for the next in the same state, and
// the simulation caches per class rather than per pod.
type Class struct {
	Key  string
	Rep  *PodInfo   // the first pod, standing for all
	Pods []*PodInfo // sorted by name
	Next int        // Pods[:Next] are placed
	Size float64    // the decreasing order of first-fit decreasing
	// nodeFit caches StaticFit per committed node index: 0 unknown, 1 fits, 2 does not.
	nodeFit  []int8
	trackers []*spreadTracker // per spread constraint of Rep, built on first use
}

// Remaining are the pods of the class not placed yet.
func (c *Class) Remaining() []*PodInfo { return c.Pods[c.Next:] }

// Classify groups pending pods into classes, largest first, so first-fit decreasing can
// handle each class as a block.
func Classify(pending []*PodInfo, ref Resources) []*Class {
	byKey := map[string]*Class{}
	var classes []*Class
	for _, p := range pending {
		key := classKey(p)
		c := byKey[key]
		if c == nil {
			c = &Class{Key: key, Rep: p, Size: sizeOf(p.Req, ref)}
			byKey[key] = c
			classes = append(classes, c)
		}
		c.Pods = append(c.Pods, p)
		p.Class = c
	}
	sort.SliceStable(classes, func(i, j int) bool {
		a, b := classes[i], classes[j]
		if a.Size != b.Size {
			return a.Size > b.Size
		}
		if a.Rep.Req.Memory != b.Rep.Req.Memory {
			return a.Rep.Req.Memory > b.Rep.Req.Memory
		}
		return a.Key < b.Key
	})
	return classes
}

// sizeOf is a request's dominant share of ref, the largest node on offer: the measure
// "decreasing" sorts by, as in vector bin packing.
func sizeOf(req, ref Resources) float64 {
	share := func(a, b int64) float64 {
		if b <= 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	return max(share(req.CPU, ref.CPU), share(req.Memory, ref.Memory), share(req.Storage, ref.Storage))
}

// classKey is a canonical rendering of everything the predicates read. Protobuf encodings of
// the API types are deterministic (map keys sorted), so equal specs give equal keys.
func classKey(p *PodInfo) string {
	var b strings.Builder
	spec := &p.Pod.Spec
	b.WriteString(p.Name.Namespace)
	writeMap(&b, p.Pod.Labels)
	writeMap(&b, spec.NodeSelector)
	for _, v := range []int64{p.Req.CPU, p.Req.Memory, p.Req.Storage} {
		b.WriteString("|" + itoa(v))
	}
	for _, name := range p.Req.ExtendedNames() {
		b.WriteString("|" + string(name) + "=" + itoa(p.Req.Extended[name]))
	}
	own := p.Name.String()
	for _, hp := range p.Ports {
		b.WriteString("|port=" + hp.String())
	}
	for i := range p.Volumes {
		writeProto(&b, p.Volumes[i].Marshal, own)
	}
	if spec.Affinity != nil {
		writeProto(&b, spec.Affinity.Marshal, own)
	}
	for i := range spec.Tolerations {
		writeProto(&b, spec.Tolerations[i].Marshal, own)
	}
	for i := range spec.TopologySpreadConstraints {
		writeProto(&b, spec.TopologySpreadConstraints[i].Marshal, own)
	}
	return b.String()
}

func writeMap(b *strings.Builder, m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b.WriteString("|")
	for _, k := range keys {
		b.WriteString(k + "=" + m[k] + ",")
	}
}

// writeProto appends an encoded field. Encoding cannot fail for objects the API server
// accepted; if it does, the pod's own name keeps it in a class of its own.
func writeProto(b *strings.Builder, marshal func() ([]byte, error), own string) {
	data, err := marshal()
	if err != nil {
		data = []byte("\x00" + own)
	}
	b.WriteString("|")
	b.Write(data)
}

// FitsStatically is the class's cached StaticFit verdict on committed node n.
func (c *Class) FitsStatically(n *Node) bool {
	for len(c.nodeFit) <= n.Index {
		c.nodeFit = append(c.nodeFit, 0)
	}
	if c.nodeFit[n.Index] == 0 {
		c.nodeFit[n.Index] = 2
		if StaticFit(c.Rep, n).OK() {
			c.nodeFit[n.Index] = 1
		}
	}
	return c.nodeFit[n.Index] == 1
}
