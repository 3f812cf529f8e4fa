package batcher

import (
	"context"
	"slices"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// arrival is items added once the fake clock reads t0+at.
type arrival struct {
	at    time.Duration
	items []string
}

func TestWaitClosesTheBatch(t *testing.T) {
	tests := []struct {
		name      string
		idle, max time.Duration
		arrivals  []arrival
		want      []string
		closesAt  time.Duration
	}{
		{
			name: "one item closes after the idle window",
			idle: time.Second, max: 10 * time.Second,
			arrivals: []arrival{{0, []string{"a"}}},
			want:     []string{"a"}, closesAt: time.Second,
		},
		{
			name: "a burst keeps the batch open until idle after its last item",
			idle: time.Second, max: 10 * time.Second,
			arrivals: []arrival{{0, []string{"a"}}, {800 * time.Millisecond, []string{"b", "c"}}, {1700 * time.Millisecond, []string{"d"}}},
			want:     []string{"a", "b", "c", "d"}, closesAt: 2700 * time.Millisecond,
		},
		{
			name: "a steady trickle is cut off max after the first item",
			idle: time.Second, max: 3 * time.Second,
			arrivals: []arrival{{0, []string{"a"}}, {900 * time.Millisecond, []string{"b"}}, {1800 * time.Millisecond, []string{"c"}}, {2700 * time.Millisecond, []string{"d"}}},
			want:     []string{"a", "b", "c", "d"}, closesAt: 3 * time.Second,
		},
		{
			name: "duplicates are dropped and do not extend the idle window",
			idle: time.Second, max: 10 * time.Second,
			arrivals: []arrival{{0, []string{"a", "b", "a"}}, {900 * time.Millisecond, []string{"b"}}},
			want:     []string{"a", "b"}, closesAt: time.Second,
		},
		{
			name: "max shorter than idle wins",
			idle: 5 * time.Second, max: 2 * time.Second,
			arrivals: []arrival{{0, []string{"a"}}},
			want:     []string{"a"}, closesAt: 2 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := clocktesting.NewFakeClock(t0)
			b := New[string](tt.idle, tt.max, fc)
			done := waitAsync(b, context.Background())
			for _, a := range tt.arrivals {
				stepTo(t, fc, b, t0.Add(a.at))
				for _, item := range a.items {
					b.Add(item)
				}
			}
			stepTo(t, fc, b, t0.Add(tt.closesAt))
			if got := receive(t, done); !slices.Equal(got, tt.want) {
				t.Fatalf("batch = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWaitReturnsAtOnceWhenTheBatchClosedBeforeItWasCalled(t *testing.T) {
	fc := clocktesting.NewFakeClock(t0)
	b := New[int](time.Second, time.Minute, fc)
	b.Add(1)
	fc.Step(2 * time.Second)
	if got := b.Wait(context.Background()); !slices.Equal(got, []int{1}) {
		t.Fatalf("batch = %v, want [1]", got)
	}
}

func TestAnItemMayReturnInTheNextBatch(t *testing.T) {
	fc := clocktesting.NewFakeClock(t0)
	b := New[string](time.Second, time.Minute, fc)
	if !b.Add("a") || b.Add("a") {
		t.Fatal("Add reported the first item as a duplicate or the second as new")
	}
	fc.Step(time.Second)
	if got := b.Wait(context.Background()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("first batch = %q", got)
	}
	if !b.Add("a") {
		t.Fatal("an item of a closed batch was treated as a duplicate")
	}
	fc.Step(time.Second)
	if got := b.Wait(context.Background()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("second batch = %q", got)
	}
}

func TestCancelledWaitKeepsTheItemsForTheNextWait(t *testing.T) {
	fc := clocktesting.NewFakeClock(t0)
	b := New[string](time.Second, time.Minute, fc)
	ctx, cancel := context.WithCancel(context.Background())
	done := waitAsync(b, ctx)
	b.Add("a")
	stepTo(t, fc, b, t0.Add(500*time.Millisecond))
	cancel()
	if got := receive(t, done); got != nil {
		t.Fatalf("cancelled Wait returned %q, want nil", got)
	}
	fc.Step(time.Second)
	if got := b.Wait(context.Background()); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("next batch = %q, want [a]", got)
	}
}
