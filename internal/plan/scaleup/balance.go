package scaleup

import (
	"math"
	"slices"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// balancedShapeLimit bounds the shapes (distinct requests) a balanced fill weighs: it costs pods × shapes per
// template, so a batch of thousands of distinct pods keeps only the largest-first fill.
const balancedShapeLimit = 32

// balancedEnough is the gap between the used shares of CPU and memory below which a largest-first fill is kept
// without trying a balanced one: what a balanced fill could add there is less than one small pod.
const balancedEnough = 0.05

// shape is the pods of one request among those a balanced fill weighs: non-interacting pods with the same requests
// are interchangeable for packing, so Deployments of one size count once against balancedShapeLimit (40
// Deployments of 5 sizes were 40 classes, over the limit, and kept the stranding largest-first fill).
type shape struct {
	id   int // the classes' shape (see setShapes)
	req  schedsim.Resources
	left int // pods of its classes not taken yet
}

// setShapes numbers the distinct requests of the non-interacting classes, once per plan.
func (pl *planner) setShapes() {
	ids := map[shapeKey]int{}
	for _, c := range pl.classes {
		c.shape = -1
		if c.interacts {
			continue
		}
		k := keyOf(c.Rep.Req)
		id, seen := ids[k]
		if !seen {
			id = len(ids)
			ids[k] = id
		}
		c.shape = id
	}
}

// shapeKey is a request as a map key: extended resources, rare, as one sorted string.
type shapeKey struct {
	cpu, memory, storage, pods int64
	extended                   string
}

func keyOf(r schedsim.Resources) shapeKey {
	k := shapeKey{cpu: r.CPU, memory: r.Memory, storage: r.Storage, pods: r.Pods}
	for _, name := range r.ExtendedNames() {
		k.extended += string(name) + "=" + strconv.FormatInt(r.Extended[name], 10) + ";"
	}
	return k
}

// shapes lists the shapes of the classes that could go on t, in the classes' order, with the pods each has left;
// nil when there are more than balancedShapeLimit.
func (pl *planner) shapes(t *template, active []*podClass) []*shape {
	var out []*shape
	for _, c := range active {
		if c.shape < 0 || !c.tmplFit[t.index].OK() {
			continue
		}
		// A linear search: out stays within balancedShapeLimit, and a batch of pods that all differ (10 000 shapes)
		// stops here after a few dozen classes.
		i := slices.IndexFunc(out, func(s *shape) bool { return s.id == c.shape })
		if i < 0 {
			if len(out) == balancedShapeLimit {
				return nil
			}
			out = append(out, &shape{id: c.shape, req: c.Rep.Req})
			i = len(out) - 1
		}
		out[i].left += len(c.Remaining())
	}
	return out
}

// fillBalanced packs a tentative node of t one step at a time, each time from the shape that leaves the node's CPU
// and memory most evenly used, so that CPU-heavy and memory-heavy pods share it. fill's largest-first order strands
// one resource when its first class exhausts the other (1.059 of the lower bound on a CPU-and-memory-heavy mix).
// Only classes that do not interact take part: their pods need no check against the others. As in first-fit
// decreasing, the node opens with one pod of the largest shape: left to the balance, pods already even in CPU and
// memory filled it first, and the large pods waiting got nodes of their own with room no other pod could use. The
// candidate has no tentative node until place.
func (pl *planner) fillBalanced(t *template, active []*podClass) candidate {
	cand := candidate{tmpl: t}
	usable := pl.shapes(t, active)
	if len(usable) < 2 {
		return cand // one shape: the largest-first fill is the same
	}
	free := t.alloc
	if first := usable[0]; schedsim.Within(first.req, free) {
		free = free.Minus(first.req)
		first.left--
		cand.takeFrom(active, first, 1)
	}
	for {
		best, bestGap := -1, math.Inf(1)
		for i, s := range usable {
			if s.left == 0 || !schedsim.Within(s.req, free) {
				continue
			}
			if gap := imbalance(t.alloc, free.Minus(s.req)); gap < bestGap-epsilon {
				best, bestGap = i, gap
			}
		}
		if best < 0 {
			break
		}
		s := usable[best]
		k := min(copiesTowardsBalance(t.alloc, free, s.req), s.req.CopiesIn(free), int64(s.left))
		free = free.Minus(s.req.Times(k))
		s.left -= int(k)
		cand.takeFrom(active, s, int(k))
	}
	return cand
}

// takeFrom adds k pods of shape s to the candidate, from its classes in active's order.
func (cand *candidate) takeFrom(active []*podClass, s *shape, k int) {
	for _, c := range active {
		if k == 0 {
			return
		}
		if c.shape != s.id || !c.tmplFit[cand.tmpl.index].OK() {
			continue
		}
		n := min(k, len(c.Remaining())-cand.taken(c))
		if n <= 0 {
			continue
		}
		if i := slices.IndexFunc(cand.takes, func(tk take) bool { return tk.class == c }); i >= 0 {
			cand.takes[i].n += n // one take per class: place puts a class's pods from its first remaining on
		} else {
			cand.takes = append(cand.takes, take{class: c, n: n})
		}
		cand.value += float64(n) * c.worth
		cand.alone += float64(n) * c.weight
		cand.pods += n
		k -= n
	}
}

// place puts the candidate's pods on its tentative node; fillBalanced leaves that to the winner, since only the
// better of the two fills of a template needs its node.
func (c *candidate) place() {
	c.node = c.tmpl.node(triedName)
	for _, tk := range c.takes {
		for _, p := range tk.class.Remaining()[:tk.n] {
			c.node.Add(p)
		}
	}
}

// copiesTowardsBalance is how many pods of request r to add in one step: when r leans the other way than the node,
// as many as bring the used shares of CPU and memory closest together without crossing over, else half of what
// fits (no class evens the node out; halving leaves room for the others to be weighed again). Steps keep a
// balanced fill at a few steps per class instead of one per pod where pods even the node out.
func copiesTowardsBalance(alloc, free, r schedsim.Resources) int64 {
	gap := share(alloc.CPU-free.CPU, alloc.CPU) - share(alloc.Memory-free.Memory, alloc.Memory)
	step := share(r.CPU, alloc.CPU) - share(r.Memory, alloc.Memory)
	if gap*step >= 0 {
		return max(1, r.CopiesIn(free)/2)
	}
	return max(1, int64(math.Abs(gap/step)))
}

func share(used, alloc int64) float64 {
	if alloc <= 0 {
		return 0
	}
	return float64(used) / float64(alloc)
}

// imbalance is how far apart the used shares of CPU and memory are when free is left of alloc.
func imbalance(alloc, free schedsim.Resources) float64 {
	return math.Abs(share(alloc.CPU-free.CPU, alloc.CPU) - share(alloc.Memory-free.Memory, alloc.Memory))
}
