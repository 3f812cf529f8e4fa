package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// podClass is a class of identical pending pods (see schedsim.Class) with what the planner
// works out about it once per run.
type podClass struct {
	*schedsim.Class
	// interacts is set when a pod's placement depends on other pods (anti-affinity either
	// way, topology spread); such pods are placed one at a time, the others in bulk.
	interacts bool
	// oneEach is set when a node holds at most one of its pods: a host port, or required anti-affinity on the
	// hostname against its own labels.
	oneEach bool
	// shape numbers the class's requests among the non-interacting classes (see setShapes); -1 when it interacts.
	shape int
	// weight is the price of the cheapest usable template that can hold one pod alone, what
	// the pod would cost on a node of its own; placeable says whether there is such a template.
	weight    float64
	placeable bool
	groups    []*group // the usable groups that could hold one of its pods
	// worth is one pod's requests at the unit prices of the waiting demand (see dualPrices).
	worth    float64
	tmplFit  []schedsim.Failure // per template index: static predicates and allocatable
	verdicts []Verdict          // why its pods fit nowhere, once the plan is done
}

// classify groups pending pods into classes, largest first (see schedsim.Classify), and
// indexes them by the simulation's class so a pod leads back to the planner's.
func (pl *planner) classify(pending []*schedsim.PodInfo) {
	pl.classOf = map[*schedsim.Class]*podClass{}
	for _, c := range schedsim.Classify(pending, pl.largest()) {
		pc := &podClass{Class: c}
		pl.classes = append(pl.classes, pc)
		pl.classOf[c] = pc
	}
}
