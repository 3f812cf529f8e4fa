package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPlanDryRunsAllThreePlanners(t *testing.T) {
	objs := objects(rebalancing(objects(group("general", 0, 5, "small", "large"))), member("n1", "general", "large", "4", "8Gi"),
		member("n2", "general", "large", "4", "8Gi"), running("busy", "n2", "3", "1Gi"), pending("web", "500m", "1Gi"),
		pending("huge", "64", "1Gi"))
	r := run(t, objs, "plan", "general")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	contains(t, r, "SCALE-UP: 0 intents", "fits node n1: default/web",
		"no group can take default/huge: NodeGroup default/general: needs 64 CPU, largest offering has 4 [InsufficientCPU]",
		"SCALE-DOWN: 1 drains", "n1", "drain", "Empty",
		"REBALANCE: 1 replacements", "large", "small", "$30.00", "a plan is ready")
}

func TestPlanWhatIfBuysForTheManifestAndSaysWhatStillDoesNotFit(t *testing.T) {
	objs := objects(group("general", 0, 5, "small", "large"), member("n1", "general", "large", "4", "8Gi"),
		running("busy", "n1", "3800m", "1Gi"))
	tests := []struct {
		name   string
		format string
		check  func(t *testing.T, r result)
	}{
		{name: "table", format: "table", check: func(t *testing.T, r result) {
			contains(t, r, "What-if: Deployment default/api ×3, Job default/crunch ×2",
				"(without the manifest: $0.00/month; the manifest adds",
				"default/general   small      dc1          3       $30.00     PendingPods",
				"no group can take default/crunch-whatif-0: NodeGroup default/general: needs 16 CPU, largest offering has 4 [InsufficientCPU]")
		}},
		{name: "json", format: "json", check: func(t *testing.T, r result) {
			var rep PlanReport
			if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
				t.Fatal(err)
			}
			var pods []string
			for _, in := range rep.ScaleUp.Intents {
				pods = append(pods, in.Pods...)
			}
			if got := strings.Join(pods, ","); got != "default/api-whatif-0,default/api-whatif-1,default/api-whatif-2" {
				t.Errorf("intents take %s, want the three api replicas", got)
			}
			if len(rep.ScaleUp.Unschedulable) != 2 {
				t.Errorf("unschedulable %v, want the two crunch pods", rep.ScaleUp.Unschedulable)
			}
			if rep.ScaleUp.MonthlyPrice <= 0 {
				t.Errorf("monthly price %v, want > 0", rep.ScaleUp.MonthlyPrice)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, objs, "plan", "-f", "testdata/whatif.yaml", "-o", tt.format)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.errOut)
			}
			tt.check(t, r)
		})
	}
}

func TestCostPerGroupAndOfferingWithSavings(t *testing.T) {
	objs := objects(rebalancing(objects(group("general", 0, 5, "small", "large"))), member("n1", "general", "large", "4", "8Gi"),
		member("n2", "general", "small", "1", "2Gi"))
	r := run(t, objs, "cost")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.errOut)
	}
	contains(t, r, "large", "$40.00", "small", "$10.00", "(group)", "$50.00", "$30.00", "TOTAL")
}
