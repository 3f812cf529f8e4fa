package nodegroup

import (
	"fmt"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"
)

func TestScaleDownStatusListsBlockedNodesUpToTheCap(t *testing.T) {
	blocked := func(n int) []v1alpha1.BlockedNode {
		var out []v1alpha1.BlockedNode
		for i := range n {
			out = append(out, v1alpha1.BlockedNode{Node: fmt.Sprintf("n%02d", i), Reason: "DoNotDisrupt"})
		}
		return out
	}
	for _, tc := range []struct {
		name             string
		report           *ScaleDownReport
		wantListed       int
		wantCount        int32
		wantNilScaleDown bool
	}{
		{"no report", nil, 0, 0, true},
		{"nothing blocked", &ScaleDownReport{}, 0, 0, true},
		{"three blocked", &ScaleDownReport{Blocked: blocked(3)}, 3, 3, false},
		{"more than the cap", &ScaleDownReport{Blocked: blocked(45)}, v1alpha1.MaxBlockedNodes, 45, false},
	} {
		st := scaleDownStatus(tc.report)
		switch {
		case tc.wantNilScaleDown && st != nil:
			t.Errorf("%s: status.scaleDown = %+v, want none", tc.name, st)
		case !tc.wantNilScaleDown && (st == nil || len(st.BlockedNodes) != tc.wantListed || st.BlockedCount != tc.wantCount):
			t.Errorf("%s: status.scaleDown = %+v, want %d listed of %d", tc.name, st, tc.wantListed, tc.wantCount)
		}
	}
}

func TestLastScaleDownTimeNeverGoesBack(t *testing.T) {
	old, newer := metav1.NewTime(time.Unix(1000, 0)), time.Unix(2000, 0)
	if got := lastScaleDown(&old, &ScaleDownReport{LastScaleDown: newer}); !got.Time.Equal(newer) {
		t.Errorf("a later drain start gives %v, want %v", got, newer)
	}
	if got := lastScaleDown(&old, &ScaleDownReport{LastScaleDown: time.Unix(500, 0)}); !got.Time.Equal(old.Time) {
		t.Errorf("an earlier drain start gives %v, want %v", got, old)
	}
	if got := lastScaleDown(&old, nil); got != &old {
		t.Errorf("no report changed the time to %v", got)
	}
}
