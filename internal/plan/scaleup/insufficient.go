package scaleup

import "github.com/vpsie/vpsie-autoscaler/internal/schedsim"

// dimension is one resource, as explanations word it.
type dimension struct {
	reason Reason
	noun   string
	get    func(schedsim.Resources) int64
	raw    func(*Offering, Options) int64 // what the offering itself has, before reserves
	format func(int64) string
}

var dimensions = []dimension{
	{
		ReasonInsufficientCPU, "CPU", func(r schedsim.Resources) int64 { return r.CPU },
		func(o *Offering, _ Options) int64 { return o.CPUMilli }, schedsim.FormatCPU,
	},
	{
		ReasonInsufficientMemory, "memory", func(r schedsim.Resources) int64 { return r.Memory },
		func(o *Offering, _ Options) int64 { return o.MemoryBytes }, schedsim.FormatBytes,
	},
	{
		ReasonInsufficientEphemeralStorage, "ephemeral storage", func(r schedsim.Resources) int64 { return r.Storage },
		func(o *Offering, _ Options) int64 { return o.DiskBytes }, schedsim.FormatBytes,
	},
	{
		ReasonTooManyPods, "pod slot", func(r schedsim.Resources) int64 { return r.Pods },
		func(_ *Offering, o Options) int64 { return o.MaxPods() }, itoa,
	},
}

// insufficient explains why none of ts, the templates whose labels and taints suit the pod,
// is big enough: "needs 40 CPU, largest offering has 32", naming what reserves and
// daemonsets leave when that differs.
func insufficient(req schedsim.Resources, ts []*template, opts Options) failure {
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
	if names := req.ExtendedNames(); len(names) > 0 {
		return fail(ReasonInsufficientExtendedResource, "needs "+itoa(req.Extended[names[0]])+" "+string(names[0])+", which no offering has")
	}
	return fail(firstShort(req, ts[0].alloc), "needs "+schedsim.FormatCPU(req.CPU)+" CPU and "+schedsim.FormatBytes(req.Memory)+
		" memory together, no offering has both")
}

// firstShort is the first dimension in which req exceeds alloc.
func firstShort(req, alloc schedsim.Resources) Reason {
	if f := schedsim.ResourcesFit(req, alloc); !f.OK() {
		return simReasons[f.Reason]
	}
	return ReasonInsufficientCPU
}
