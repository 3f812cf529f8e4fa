package groupreport

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

// report is a test value whose note does not count for equality, so a test can tell an
// equal value that was stored from one that was not.
type report struct {
	reason string
	note   string
}

func sameReason(a, b report) bool { return a.reason == b.reason }

func key(name string) types.NamespacedName { return types.NamespacedName{Namespace: "ns", Name: name} }

// announced drains the store's changes and returns the announced names, sorted.
func announced[V any](s *Store[V]) []string {
	var got []string
	for len(s.changes) > 0 {
		ev := <-s.changes
		if ev.Object.Namespace != "ns" {
			panic("announced a group of namespace " + ev.Object.Namespace)
		}
		got = append(got, ev.Object.Name)
	}
	slices.Sort(got)
	return got
}

// contents reads every group's value; missing groups are left out.
func contents(s *Store[report], names ...string) map[string]report {
	out := map[string]report{}
	for _, n := range names {
		if v, ok := s.Get(key(n)); ok {
			out[n] = v
		}
	}
	return out
}

func TestStore(t *testing.T) {
	type step struct {
		name     string
		do       func(s *Store[report])
		announce []string
		want     map[string]report // every group of a, b, c that has a value
	}
	set := func(n string, r report) func(*Store[report]) { return func(s *Store[report]) { s.Set(key(n), r) } }
	replace := func(m map[string]report) func(*Store[report]) {
		return func(s *Store[report]) {
			next := map[types.NamespacedName]report{}
			for n, r := range m {
				next[key(n)] = r
			}
			s.Replace(next)
		}
	}
	retain := func(names ...string) func(*Store[report]) {
		return func(s *Store[report]) {
			present := map[types.NamespacedName]bool{}
			for _, n := range names {
				present[key(n)] = true
			}
			s.Retain(present)
		}
	}
	x, x2, y := report{reason: "X"}, report{reason: "X", note: "again"}, report{reason: "Y"}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"set", []step{
			{"a first value is announced", set("a", x), []string{"a"}, map[string]report{"a": x}},
			{"another group's is too", set("b", y), []string{"b"}, map[string]report{"a": x, "b": y}},
			{"the same value is not", set("a", x), nil, map[string]report{"a": x, "b": y}},
			{"an equal value is stored, not announced", set("a", x2), nil, map[string]report{"a": x2, "b": y}},
			{"a different value is announced", set("a", y), []string{"a"}, map[string]report{"a": y, "b": y}},
			{"the zero value is a value", set("c", report{}), []string{"c"}, map[string]report{"a": y, "b": y, "c": {}}},
		}},
		{"replace", []step{
			{"a first set announces every group", replace(map[string]report{"a": x, "b": y}), []string{"a", "b"},
				map[string]report{"a": x, "b": y}},
			{"the same set announces none", replace(map[string]report{"a": x, "b": y}), nil,
				map[string]report{"a": x, "b": y}},
			{"equal values are stored, not announced", replace(map[string]report{"a": x2, "b": y}), nil,
				map[string]report{"a": x2, "b": y}},
			{"a changed and an added group are announced", replace(map[string]report{"a": y, "b": y, "c": x}),
				[]string{"a", "c"}, map[string]report{"a": y, "b": y, "c": x}},
			{"groups left out are removed and announced", replace(map[string]report{"b": y}), []string{"a", "c"},
				map[string]report{"b": y}},
			{"an empty set removes every group", replace(nil), []string{"b"}, map[string]report{}},
			{"nothing to remove announces none", replace(nil), nil, map[string]report{}},
		}},
		{"retain", []step{
			{"set", set("a", x), []string{"a"}, map[string]report{"a": x}},
			{"set another", set("b", y), []string{"b"}, map[string]report{"a": x, "b": y}},
			{"present groups stay unannounced", retain("a", "b", "c"), nil, map[string]report{"a": x, "b": y}},
			{"a gone group is removed and announced", retain("b"), []string{"a"}, map[string]report{"b": y}},
			{"it comes back as new", set("a", x), []string{"a"}, map[string]report{"a": x, "b": y}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(sameReason)
			for _, st := range tc.steps {
				st.do(s)
				if got := announced(s); !slices.Equal(got, st.announce) {
					t.Errorf("%s: announced %v, want %v", st.name, got, st.announce)
				}
				if got := contents(s, "a", "b", "c"); fmt.Sprint(got) != fmt.Sprint(st.want) {
					t.Errorf("%s: store holds %v, want %v", st.name, got, st.want)
				}
			}
		})
	}
}

// Replace keeps its own copy: the caller's map may be reused.
func TestReplaceCopies(t *testing.T) {
	s := New(sameReason)
	next := map[types.NamespacedName]report{key("a"): {reason: "X"}}
	s.Replace(next)
	next[key("a")] = report{reason: "Y"}
	delete(next, key("a"))
	if got, ok := s.Get(key("a")); !ok || got.reason != "X" {
		t.Errorf("a = %+v, %v after the caller changed its map", got, ok)
	}
}

// A full channel drops announcements instead of blocking the writer.
func TestAFullChannelDoesNotBlock(t *testing.T) {
	s := New(sameReason)
	next := map[types.NamespacedName]report{}
	for i := range ChangesBuffer + 10 {
		s.Set(key(fmt.Sprint("set-", i)), report{reason: "X"})
		next[key(fmt.Sprint("replace-", i))] = report{reason: "X"}
	}
	s.Replace(next)
	s.Retain(nil)
	if n := len(s.Changes()); n != ChangesBuffer {
		t.Errorf("%d announcements wait, want the buffer's %d", n, ChangesBuffer)
	}
}

// Writers, readers and the consumer run at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	s := New(func(a, b int) bool { return a == b })
	done := make(chan struct{})
	consumed := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-s.Changes():
				n++
			case <-done:
				consumed <- n
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 500 {
				k := key(fmt.Sprint(i % 20))
				switch w {
				case 0:
					s.Set(k, i)
				case 1:
					s.Replace(map[types.NamespacedName]int{k: i, key("fixed"): 1})
				case 2:
					s.Retain(map[types.NamespacedName]bool{k: true, key("fixed"): true})
				default:
					s.Get(k)
				}
			}
		})
	}
	wg.Wait()
	close(done)
	if n := <-consumed; n == 0 {
		t.Error("no change was announced")
	}
	s.Replace(map[types.NamespacedName]int{key("last"): 7})
	if v, ok := s.Get(key("last")); !ok || v != 7 {
		t.Errorf("last = %d, %v", v, ok)
	}
	if _, ok := s.Get(key("fixed")); ok {
		t.Error("a group left out of the last Replace is still held")
	}
}
