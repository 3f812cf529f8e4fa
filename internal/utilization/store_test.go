package utilization

import (
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// at is a sample taken i intervals of 10 s after t0, with cpu and mem as percentages of a
// 1000m / 1 GiB node.
func at(i int, cpuPct, memPct int64) Sample {
	return Sample{
		At:           t0.Add(time.Duration(i) * 10 * time.Second),
		CPURequested: cpuPct * 10, CPUAllocatable: 1000,
		MemoryRequested: memPct << 30 / 100 &^ (kib - 1), MemoryAllocatable: 1 << 30,
	}
}

func TestTheRingKeepsTheNewestSamplesOldestFirst(t *testing.T) {
	st := NewStore(3, 0)
	for i := range 5 {
		st.Add("n1", at(i, int64(i), 0))
	}
	got := st.Samples("n1")
	want := []Sample{at(2, 2, 0), at(3, 3, 0), at(4, 4, 0)}
	for i := range want {
		want[i].At = want[i].At.Local()
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("samples\n%+v\nwant\n%+v", got, want)
	}
}

func TestSamplesAreACopyTheCallerMayChange(t *testing.T) {
	st := NewStore(4, 0)
	st.Add("n1", at(0, 10, 10))
	got := st.Samples("n1")
	got[0].CPURequested = 999999
	if again := st.Samples("n1"); again[0].CPURequested != 100 {
		t.Fatalf("the store's sample changed with the caller's copy: %d", again[0].CPURequested)
	}
}

func TestASampleOlderThanTheNewestIsDropped(t *testing.T) {
	st := NewStore(4, 0)
	st.Add("n1", at(5, 10, 10))
	st.Add("n1", at(4, 90, 90))
	if got := st.Samples("n1"); len(got) != 1 || got[0].CPURequested != 100 {
		t.Fatalf("samples %+v, want only the one at 5", got)
	}
}

func TestNodesThatLeaveTheClusterLeaveTheStore(t *testing.T) {
	st := NewStore(4, 0)
	for _, n := range []string{"a", "b", "c", "d"} {
		st.Add(n, at(0, 1, 1))
	}
	st.Forget("a")
	if dropped := st.Retain(func(n string) bool { return n != "c" }); dropped != 1 {
		t.Errorf("Retain dropped %d, want 1", dropped)
	}
	if got := st.Nodes(); !reflect.DeepEqual(got, []string{"b", "d"}) {
		t.Errorf("nodes %v, want [b d]", got)
	}
	if got := st.Samples("a"); got != nil {
		t.Errorf("a forgotten node still has samples: %+v", got)
	}
	if ok, why := st.Below("c", Thresholds{CPUPercent: 50, MemoryPercent: 50}, t0); ok || why != "no samples yet" {
		t.Errorf("a dropped node: Below = %v, %q", ok, why)
	}
}

func TestMemoryIsKeptInKiBNeverLessUtilizedThanAdded(t *testing.T) {
	st := NewStore(2, 0)
	st.Add("n1", Sample{At: t0, CPURequested: 5, CPUAllocatable: 7, MemoryRequested: 1025, MemoryAllocatable: 2047,
		HasUsage: true, CPUUsage: 3, MemoryUsage: 1})
	got := st.Samples("n1")[0]
	if got.MemoryRequested != 2048 || got.MemoryAllocatable != 1024 || got.MemoryUsage != 1024 {
		t.Errorf("memory requested %d, allocatable %d, usage %d; want 2048, 1024, 1024",
			got.MemoryRequested, got.MemoryAllocatable, got.MemoryUsage)
	}
	if got.CPURequested != 5 || got.CPUAllocatable != 7 || !got.HasUsage || got.CPUUsage != 3 || !got.At.Equal(t0) {
		t.Errorf("sample %+v lost CPU, usage or time", got)
	}
}

func TestEntryIsHalfASample(t *testing.T) {
	if e, s := reflect.TypeFor[entry]().Size(), reflect.TypeFor[Sample]().Size(); e*2 > s {
		t.Errorf("entry is %d bytes, Sample %d: the ring would not halve the memory", e, s)
	}
}
