package batcher

import (
	"context"
	"sync"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"
)

// Run with -race: adders and the waiter share the batch only through the batcher.
func TestConcurrentAddersLoseNoItemAndNeverRepeatOneInABatch(t *testing.T) {
	const adders, perAdder = 8, 200
	fc := clocktesting.NewFakeClock(t0)
	b := New[int](time.Second, 5*time.Second, fc)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	batches := make(chan []int)
	go func() {
		for ctx.Err() == nil {
			if batch := b.Wait(ctx); batch != nil {
				batches <- batch
			}
		}
	}()

	var wg sync.WaitGroup
	for a := range adders {
		wg.Go(func() {
			for i := range perAdder {
				b.Add(a*perAdder + i)
				b.Add(a*perAdder + i) // usually a duplicate, sometimes the start of a new batch
			}
		})
	}
	stop := make(chan struct{})
	go func() { // keep time moving so batches close while adders run
		for {
			select {
			case <-stop:
				return
			default:
				fc.Step(100 * time.Millisecond)
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	wg.Wait()
	close(stop)

	seen := map[int]bool{}
	for giveUp := time.Now().Add(30 * time.Second); len(seen) < adders*perAdder; {
		if time.Now().After(giveUp) {
			t.Fatalf("only %d of %d items came out", len(seen), adders*perAdder)
		}
		fc.Step(time.Second)
		select {
		case batch := <-batches:
			inBatch := map[int]bool{}
			for _, item := range batch {
				if inBatch[item] {
					t.Fatalf("item %d twice in one batch", item)
				}
				inBatch[item], seen[item] = true, true
			}
		case <-time.After(time.Millisecond):
		}
	}
}
