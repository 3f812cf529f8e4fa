package vpsiesim

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// defaultEvictionMemory is the kubelet's default hard eviction threshold for memory
// (memory.available<100Mi), kept from pods when the user data sets none.
var defaultEvictionMemory = resource.MustParse("100Mi")

// Reserves are what a kubelet keeps from pods, as its flags say: --kube-reserved and
// --system-reserved (cpu, memory), --eviction-hard's memory.available, --max-pods.
type Reserves struct {
	CPU, Memory, EvictionMemory resource.Quantity
	MaxPods                     int64
}

// parseReserves reads the reserve flags, with the kubelet's defaults for what is absent
// (no reserves, eviction at 100Mi of memory, 110 pods). A malformed value is an error: the
// kubelet refuses to start on it.
func parseReserves(userData string) (Reserves, error) {
	r := Reserves{EvictionMemory: defaultEvictionMemory.DeepCopy(), MaxPods: maxPodsPerNode}
	for _, m := range reserveFlag.FindAllStringSubmatch(userData, -1) {
		var err error
		switch m[1] {
		case "kube-reserved", "system-reserved":
			err = r.addReserved(m[1], m[2])
		case "eviction-hard":
			err = r.setEviction(m[2])
		case "max-pods":
			r.MaxPods, err = strconv.ParseInt(m[2], 10, 64)
		}
		if err != nil {
			return Reserves{}, fmt.Errorf("--%s=%s: %w", m[1], m[2], err)
		}
	}
	return r, nil
}

func (r *Reserves) addReserved(flag, value string) error {
	for _, item := range strings.Split(value, ",") {
		k, v, ok := strings.Cut(item, "=")
		q, err := resource.ParseQuantity(v)
		if !ok || err != nil {
			return fmt.Errorf("invalid %s entry %q", flag, item)
		}
		switch corev1.ResourceName(k) {
		case corev1.ResourceCPU:
			r.CPU.Add(q)
		case corev1.ResourceMemory:
			r.Memory.Add(q)
		}
	}
	return nil
}

// setEviction reads memory.available<Q; a percentage or another signal leaves memory alone.
func (r *Reserves) setEviction(value string) error {
	for _, item := range strings.Split(value, ",") {
		signal, q, ok := strings.Cut(item, "<")
		if !ok {
			return fmt.Errorf("invalid eviction threshold %q", item)
		}
		if signal != "memory.available" || strings.HasSuffix(q, "%") {
			continue
		}
		v, err := resource.ParseQuantity(q)
		if err != nil {
			return fmt.Errorf("invalid eviction threshold %q", item)
		}
		r.EvictionMemory = v
	}
	return nil
}

// allocatable is capacity less the reserves, as the kubelet reports it.
func (r Reserves) allocatable(capacity corev1.ResourceList) corev1.ResourceList {
	out := capacity.DeepCopy()
	cpu, mem := out[corev1.ResourceCPU], out[corev1.ResourceMemory]
	cpu.Sub(r.CPU)
	mem.Sub(r.Memory)
	mem.Sub(r.EvictionMemory)
	out[corev1.ResourceCPU], out[corev1.ResourceMemory] = cpu, mem
	out[corev1.ResourcePods] = *resource.NewQuantity(r.MaxPods, resource.DecimalSI)
	return out
}
