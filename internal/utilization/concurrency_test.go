package utilization

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Run under -race: writers, readers, Below, Forget and Retain on overlapping nodes at once.
// Every copy a reader gets must be in time order and internally consistent.
func TestManyWritersAndReadersAtOnce(t *testing.T) {
	const writers, readers, perWriter, nodes = 8, 8, 2000, 16
	st := NewStore(64, 0)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				node := fmt.Sprintf("n%d", (w+i)%nodes)
				s := at(i, int64(i%100), int64(i%100))
				s.Pods = int32(i % 100) // a reader checks this matches CPURequested
				st.Add(node, s)
			}
		}()
	}
	errs := make(chan error, readers)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				node := fmt.Sprintf("n%d", r%nodes)
				if err := consistent(st.Samples(node)); err != nil {
					errs <- err
					return
				}
				st.Below(node, Thresholds{CPUPercent: 50, MemoryPercent: 50, Window: time.Minute}, t0.Add(time.Hour))
				switch r {
				case 0:
					st.Forget(fmt.Sprintf("n%d", nodes-1))
				case 1:
					st.Retain(func(n string) bool { return n != "n14" })
				}
				st.Nodes()
			}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(st.Samples("n0")); got != 64 {
		t.Errorf("n0 holds %d samples, want a full ring of 64", got)
	}
}

func consistent(samples []Sample) error {
	for i, s := range samples {
		if s.CPURequested != int64(s.Pods)*10 {
			return fmt.Errorf("torn sample %+v", s)
		}
		if i > 0 && s.At.Before(samples[i-1].At) {
			return fmt.Errorf("samples out of order at %d", i)
		}
	}
	return nil
}
