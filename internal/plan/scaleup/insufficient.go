package scaleup

// dimension is one resource, as explanations word it.
type dimension struct {
	reason Reason
	noun   string
	get    func(resources) int64
	raw    func(*Offering, Options) int64 // what the offering itself has, before reserves
	format func(int64) string
}

var dimensions = []dimension{
	{
		ReasonInsufficientCPU, "CPU", func(r resources) int64 { return r.cpu },
		func(o *Offering, _ Options) int64 { return o.CPUMilli }, formatCPU,
	},
	{
		ReasonInsufficientMemory, "memory", func(r resources) int64 { return r.memory },
		func(o *Offering, _ Options) int64 { return o.MemoryBytes }, formatBytes,
	},
	{
		ReasonInsufficientEphemeralStorage, "ephemeral storage", func(r resources) int64 { return r.storage },
		func(o *Offering, _ Options) int64 { return o.DiskBytes }, formatBytes,
	},
	{
		ReasonTooManyPods, "pod slot", func(r resources) int64 { return r.pods },
		func(_ *Offering, o Options) int64 { return o.maxPods() }, itoa,
	},
}

// insufficient explains why none of ts, the templates whose labels and taints suit the pod,
// is big enough: "needs 40 CPU, largest offering has 32", naming what reserves and
// daemonsets leave when that differs.
func insufficient(req resources, ts []*template, opts Options) failure {
	for _, d := range dimensions {
		var largest *template
		for _, t := range ts {
			if largest == nil || d.get(t.alloc) > d.get(largest.alloc) {
				largest = t
			}
		}
		if need, have := d.get(req), d.get(largest.alloc); need > have {
			msg := "needs " + d.format(need) + " " + d.noun + ", largest offering has " + d.format(d.raw(largest.offering, opts))
			if raw := d.raw(largest.offering, opts); raw != have {
				msg += " (" + d.format(have) + " after reserves and daemonsets)"
			}
			return fail(d.reason, msg)
		}
	}
	if names := req.extendedNames(); len(names) > 0 {
		return fail(ReasonInsufficientExtendedResource, "needs "+itoa(req.extended[names[0]])+" "+string(names[0])+", which no offering has")
	}
	return fail(firstShort(req, ts[0].alloc), "needs "+formatCPU(req.cpu)+" CPU and "+formatBytes(req.memory)+
		" memory together, no offering has both")
}

// firstShort is the first dimension in which req exceeds alloc.
func firstShort(req, alloc resources) Reason {
	if f := resourcesFit(req, alloc); !f.ok() {
		return f.reason
	}
	return ReasonInsufficientCPU
}
