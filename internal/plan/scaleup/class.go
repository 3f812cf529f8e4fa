package scaleup

import (
	"sort"
	"strings"
)

// podClass is a set of pending pods the scheduler cannot tell apart: same namespace, labels,
// requests and scheduling constraints, typically the replicas of one Deployment. Pods of a
// class are interchangeable, so a verdict for one holds for the next in the same state, and
// the planner caches per class rather than per pod.
type podClass struct {
	key  string
	rep  *podInfo   // the first pod, standing for all
	pods []*podInfo // sorted by name
	next int        // pods[:next] are placed
	size float64    // the decreasing order of first-fit decreasing
	// interacts is set when a pod's placement depends on other pods (anti-affinity either
	// way, topology spread); such pods are placed one at a time, the others in bulk.
	interacts bool
	// weight is the price of the cheapest usable template that can hold one pod alone, what
	// the pod would cost on a node of its own; placeable says whether there is such a template.
	weight    float64
	placeable bool
	groups    []*group // the usable groups that could hold one of its pods
	// worth is one pod's requests at the unit prices of the waiting demand (see dualPrices).
	worth    float64
	tmplFit  []failure // per template index: static predicates and allocatable
	nodeFit  []int8    // per cluster node index: 0 unknown, 1 fits statically, 2 does not
	trackers []*spreadTracker
	verdicts []Verdict // why its pods fit nowhere, once the plan is done
}

func (c *podClass) remaining() []*podInfo { return c.pods[c.next:] }

// classify groups pending pods into classes, largest first, so first-fit decreasing can
// handle each class as a block.
func classify(pending []*podInfo, ref resources) []*podClass {
	byKey := map[string]*podClass{}
	var classes []*podClass
	for _, p := range pending {
		key := classKey(p)
		c := byKey[key]
		if c == nil {
			c = &podClass{key: key, rep: p, size: sizeOf(p.req, ref)}
			byKey[key] = c
			classes = append(classes, c)
		}
		c.pods = append(c.pods, p)
		p.class = c
	}
	sort.SliceStable(classes, func(i, j int) bool {
		a, b := classes[i], classes[j]
		if a.size != b.size {
			return a.size > b.size
		}
		if a.rep.req.memory != b.rep.req.memory {
			return a.rep.req.memory > b.rep.req.memory
		}
		return a.key < b.key
	})
	return classes
}

// sizeOf is a request's dominant share of ref, the largest node on offer: the measure
// "decreasing" sorts by, as in vector bin packing.
func sizeOf(req, ref resources) float64 {
	share := func(a, b int64) float64 {
		if b <= 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	return max(share(req.cpu, ref.cpu), share(req.memory, ref.memory), share(req.storage, ref.storage))
}

// classKey is a canonical rendering of everything the predicates read. Protobuf encodings of
// the API types are deterministic (map keys sorted), so equal specs give equal keys.
func classKey(p *podInfo) string {
	var b strings.Builder
	spec := &p.pod.Spec
	b.WriteString(p.name.Namespace)
	writeMap(&b, p.pod.Labels)
	writeMap(&b, spec.NodeSelector)
	for _, v := range []int64{p.req.cpu, p.req.memory, p.req.storage} {
		b.WriteString("|" + itoa(v))
	}
	for _, name := range p.req.extendedNames() {
		b.WriteString("|" + string(name) + "=" + itoa(p.req.extended[name]))
	}
	own := p.name.String()
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
