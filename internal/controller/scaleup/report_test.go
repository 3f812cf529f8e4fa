package scaleup

import "testing"

// The map of what was reported holds only what the last pass reported: before, every pod
// that ever waited stayed in it for the life of the process.
func TestReportedForgetsWhatThePassNoLongerReports(t *testing.T) {
	r := newReported()
	if !r.changed("pod/a", "m") || r.changed("pod/a", "m") || !r.changed("pod/b", "m") {
		t.Fatal("a new key or message must be reported once, a repeat never")
	}
	r.retain(map[string]bool{"pod/b": true})
	if len(r.last) != 1 {
		t.Fatalf("%d keys kept, want 1", len(r.last))
	}
	if !r.changed("pod/a", "m") {
		t.Error("a pod that comes back is reported again")
	}
	if r.changed("pod/b", "m") {
		t.Error("a retained key with the same message is not reported again")
	}
}
