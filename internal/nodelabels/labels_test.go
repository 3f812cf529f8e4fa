package nodelabels

import (
	"maps"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/importfence"
	"github.com/vpsie/vpsie-autoscaler/internal/kubeletflags"
)

func TestNodeLabelsOfAGroupOfferingAndDatacenter(t *testing.T) {
	g := Group{Name: "pool", Labels: map[string]string{"team": "a",
		// The well-known and the autoscaler's own labels win over a group's.
		"topology.kubernetes.io/zone": "elsewhere", "autoscaler.vpsie.com/nodegroup": "other"}}
	got := Node(g, "std-2c-4g", "tor1", "pool-abc-0")
	want := map[string]string{
		"team":                             "a",
		"topology.kubernetes.io/zone":      "tor1",
		"topology.kubernetes.io/region":    "tor1",
		"node.kubernetes.io/instance-type": "std-2c-4g",
		"autoscaler.vpsie.com/managed":     "true",
		"autoscaler.vpsie.com/nodegroup":   "pool",
		"autoscaler.vpsie.com/vpsienode":   "pool-abc-0",
		"autoscaler.vpsie.com/offering":    "std-2c-4g",
		"autoscaler.vpsie.com/datacenter":  "tor1",
	}
	if !maps.Equal(got, want) {
		t.Fatalf("Node = %v, want %v", got, want)
	}
	tmpl := Template(g, "std-2c-4g", "tor1")
	delete(want, "autoscaler.vpsie.com/vpsienode")
	if !maps.Equal(tmpl, want) {
		t.Fatalf("Template = %v, want %v", tmpl, want)
	}
	if g.Labels["autoscaler.vpsie.com/nodegroup"] != "other" {
		t.Fatal("the group's labels were modified")
	}
}

// Every label the rule gives, and every one a kubelet sets itself, is one a kubelet may
// set on its own Node: otherwise no node of any group would ever register.
func TestEveryLabelIsOneAKubeletMaySelfAssign(t *testing.T) {
	l := Node(Group{Name: "g"}, "o", "d", "n")
	maps.Copy(l, Kubelet("n"))
	for k := range l {
		if err := kubeletflags.CheckNodeLabel(k); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
}

func TestImportsOnlyPureCode(t *testing.T) {
	importfence.Check(t, ".", importfence.Allow("k8s.io/api/core/v1", "github.com/vpsie/vpsie-autoscaler/api/v1alpha1"))
}
