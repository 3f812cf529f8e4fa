package utilization

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkAdd adds to nodes whose rings already exist: the steady state, which must not
// allocate.
func BenchmarkAdd(b *testing.B) {
	const nodes = 1000
	st := NewStore(360, 0)
	names := make([]string, nodes)
	for i := range names {
		names[i] = "node-" + strconv.Itoa(i)
		st.Add(names[i], at(0, 10, 10))
	}
	s := at(1, 30, 40)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.At = s.At.Add(time.Nanosecond)
		st.Add(names[i%nodes], s)
	}
}

// BenchmarkAddParallel is the same with every core writing at once.
func BenchmarkAddParallel(b *testing.B) {
	const nodes = 1000
	st := NewStore(360, 0)
	names := make([]string, nodes)
	for i := range names {
		names[i] = "node-" + strconv.Itoa(i)
		st.Add(names[i], at(0, 10, 10))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		s := at(1, 30, 40)
		for i := 0; pb.Next(); i++ {
			s.At = s.At.Add(time.Nanosecond)
			st.Add(names[i%nodes], s)
		}
	})
}

// BenchmarkBelow answers one node's 10-minute window over a full hour's ring.
func BenchmarkBelow(b *testing.B) {
	st := NewStore(360, 30*time.Second)
	for i := range 360 {
		st.Add("n", at(i, 10, 10))
	}
	th := Thresholds{CPUPercent: 50, MemoryPercent: 50, Window: 10 * time.Minute}
	now := at(359, 0, 0).At
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := st.Below("n", th, now); !ok {
			b.Fatal("not below")
		}
	}
}

// One hour of samples at a 10 s interval for 1000 nodes: the ring against the slice-append
// baseline (a map of []Sample grown by append, as the earlier system kept them). live-B is
// the heap still in use after a GC, alloc-B everything allocated on the way.
const (
	memNodes   = 1000
	memSamples = 360
)

func BenchmarkMemoryRing(b *testing.B) {
	names := nodeNames(memNodes)
	measure(b, func() any {
		st := NewStore(memSamples, 0)
		for i := range memSamples {
			for _, n := range names {
				st.Add(n, at(i, 10, 10))
			}
		}
		return st
	})
}

func BenchmarkMemorySliceAppend(b *testing.B) {
	names := nodeNames(memNodes)
	measure(b, func() any {
		m := map[string][]Sample{}
		for i := range memSamples {
			for _, n := range names {
				m[n] = append(m[n], at(i, 10, 10))
			}
		}
		return m
	})
}

func nodeNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "node-" + strconv.Itoa(i)
	}
	return out
}

func measure(b *testing.B, build func() any) {
	b.Helper()
	var live, alloc uint64
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		kept := build()
		runtime.GC()
		runtime.ReadMemStats(&after)
		live += after.HeapAlloc - before.HeapAlloc
		alloc += after.TotalAlloc - before.TotalAlloc
		runtime.KeepAlive(kept)
	}
	b.ReportMetric(float64(live)/float64(b.N), "live-B")
	b.ReportMetric(float64(alloc)/float64(b.N), "alloc-B")
	b.ReportMetric(float64(live)/float64(b.N)/memNodes/memSamples, "live-B/sample")
}
