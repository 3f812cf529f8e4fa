package contract

import "testing"

// A NodeGroup's forceDrain ignores the drain-time safety checks and deletes with pods left;
// without it the policy is left as the configuration made it.
func TestWithForceDrain(t *testing.T) {
	if p := (DrainPolicy{}).WithForceDrain(true); !p.Force || !p.IgnoreSafetyChecks {
		t.Fatalf("forced policy %+v", p)
	}
	if p := (DrainPolicy{Force: true}).WithForceDrain(false); !p.Force || p.IgnoreSafetyChecks {
		t.Fatalf("the configuration's force must stay and the checks run: %+v", p)
	}
}
