package kubeletflags

import "testing"

func TestCheckNodeLabelRefusesWhatTheKubeletRefuses(t *testing.T) {
	tests := []struct {
		key     string
		refused bool
	}{
		{"tier", false},
		{"example.com/team", false},
		{"autoscaler.vpsie.com/nodegroup", false},
		{"topology.kubernetes.io/zone", false},
		{"topology.kubernetes.io/region", false},
		{"node.kubernetes.io/instance-type", false},
		{"kubernetes.io/hostname", false},
		{"kubernetes.io/arch", false},
		{"node.kubernetes.io/exclude-from-external-load-balancers", false},
		{"kubelet.kubernetes.io/anything", false},
		{"sub.node.kubernetes.io/x", false},
		{"node-role.kubernetes.io/worker", true},
		{"kubernetes.io/role", true},
		{"k8s.io/anything", true},
		{"team.k8s.io/owner", true},
		{"node-restriction.kubernetes.io/foo", true},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if err := CheckNodeLabel(tt.key); (err != nil) != tt.refused {
				t.Fatalf("CheckNodeLabel(%q) = %v, want refused %v", tt.key, err, tt.refused)
			}
		})
	}
}
