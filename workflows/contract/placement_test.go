package contract

import "testing"

func TestRequestNameInvertsPlacementName(t *testing.T) {
	for _, req := range []string{"c-g-b1-0", "c-g-f1-0", "node-f", "x"} {
		for k := 0; k < 12; k++ {
			if got := RequestName(PlacementName(req, k)); got != req {
				t.Errorf("RequestName(PlacementName(%q, %d)) = %q", req, k, got)
			}
		}
	}
	for _, name := range []string{"node-f", "node-f0", "node-fx", "node-f-1", "-f1"} {
		if got := RequestName(name); got != name {
			t.Errorf("RequestName(%q) = %q, want it unchanged", name, got)
		}
	}
}
