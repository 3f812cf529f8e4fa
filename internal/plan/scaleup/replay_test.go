package scaleup

import (
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/schedsim"
)

// replay re-checks every commitment of a finished plan with the predicates evaluated from
// scratch (see schedsim.Replay), so the trackers, caches and class shortcuts are checked.
func replay(t *testing.T, pl *planner) {
	t.Helper()
	if step, why, ok := schedsim.Replay(pl.cluster.Journal); !ok {
		n, p := step.Node, step.Pod
		t.Fatalf("%s on %s (%s, %s): %s", p.Name, n.Name, n.Kind.String(), n.Labels[labelZone], why)
	}
}
