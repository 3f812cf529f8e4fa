package utilization

import (
	"testing"
	"time"
)

func TestBelowNeedsTheWholeWindowUnderBothThresholds(t *testing.T) {
	th := Thresholds{CPUPercent: 50, MemoryPercent: 50, Window: time.Minute}
	tests := []struct {
		name    string
		samples []Sample
		now     time.Time
		below   bool
		why     string
	}{
		{name: "no samples", now: t0, why: "no samples yet"},
		{
			name:    "every sample of a covered window is under both",
			samples: []Sample{at(0, 10, 10), at(3, 20, 20), at(6, 49, 40)}, now: at(6, 0, 0).At,
			below: true, why: "below 50% CPU and 50% memory for 1m0s",
		},
		{
			name:    "samples older than the window do not count",
			samples: []Sample{at(0, 90, 90), at(1, 10, 10), at(4, 10, 10), at(7, 10, 10)}, now: at(7, 0, 0).At,
			below: true, why: "below 50% CPU and 50% memory for 1m0s",
		},
		{
			name:    "a window not yet covered",
			samples: []Sample{at(3, 10, 10), at(6, 10, 10)}, now: at(6, 0, 0).At,
			why: "samples cover 30s of the 1m0s window",
		},
		{
			name:    "CPU at the threshold is not below it",
			samples: []Sample{at(0, 10, 10), at(3, 50, 10), at(6, 10, 10)}, now: at(6, 0, 0).At,
			why: "CPU at 50% (threshold 50%) at 2026-03-01T12:00:30Z",
		},
		{
			name:    "memory above the threshold",
			samples: []Sample{at(0, 10, 10), at(6, 10, 70)}, now: at(6, 0, 0).At,
			why: "memory at 69% (threshold 50%) at 2026-03-01T12:01:00Z",
		},
		{
			name:    "a gap in the samples leaves the window uncovered",
			samples: []Sample{at(0, 10, 10), at(6, 10, 10)}, now: at(6, 0, 0).At,
			why: "no sample for 1m0s before 2026-03-01T12:01:00Z",
		},
		{
			name:    "no sample lately",
			samples: []Sample{at(0, 10, 10), at(1, 10, 10), at(2, 10, 10)}, now: at(9, 0, 0).At,
			why: "no sample for 1m10s before 2026-03-01T12:01:30Z",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := NewStore(16, 35*time.Second)
			for _, s := range tc.samples {
				st.Add("n1", s)
			}
			below, why := st.Below("n1", th, tc.now)
			if below != tc.below || why != tc.why {
				t.Errorf("Below = %v, %q; want %v, %q", below, why, tc.below, tc.why)
			}
		})
	}
}

func TestUsageCountsOnlyWhenAskedAndOnlyWhereMeasured(t *testing.T) {
	st := NewStore(8, 0)
	st.Add("n1", at(0, 10, 10))
	st.Add("n1", at(6, 10, 10).WithUsage(900, 1<<20))
	now := at(6, 0, 0).At
	th := Thresholds{CPUPercent: 50, MemoryPercent: 50, Window: time.Minute}
	if below, why := st.Below("n1", th, now); !below {
		t.Errorf("by requests the node is below, got %q", why)
	}
	th.Usage = true
	if below, why := st.Below("n1", th, now); below || why != "CPU at 90% (threshold 50%) at 2026-03-01T12:01:00Z" {
		t.Errorf("by usage: Below = %v, %q", below, why)
	}
}

func TestEmptyMeansNoPodToMoveForTheWholeDelay(t *testing.T) {
	st := NewStore(8, 0)
	withPods := func(s Sample, pods int32) Sample { s.Pods = pods; return s }
	st.Add("n1", withPods(at(0, 60, 60), 2))
	st.Add("n1", withPods(at(3, 5, 5), 0))
	st.Add("n1", withPods(at(6, 5, 5), 0))
	if empty, why := st.Empty("n1", 30*time.Second, at(6, 0, 0).At); !empty || why != "empty for 30s" {
		t.Errorf("30s delay: Empty = %v, %q", empty, why)
	}
	if empty, why := st.Empty("n1", time.Minute, at(6, 0, 0).At); empty || why != "2 pods to move at 2026-03-01T12:00:00Z" {
		t.Errorf("1m delay: Empty = %v, %q", empty, why)
	}
}
