package vpsiesim

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestKubeletRegistrationReadsTheFlagsCloudInitGivesTheKubelet(t *testing.T) {
	cases := []struct {
		name       string
		userData   string
		wantLabels map[string]string
		wantTaints []corev1.Taint
	}{
		{
			name: "the default kubeadm template's labels and taints",
			userData: "#cloud-config\nwrite_files:\n  - path: /etc/default/kubelet\n    content: |\n" +
				"      KUBELET_EXTRA_ARGS=--node-labels=team=a,workload=batch --register-with-taints=dedicated=batch:NoSchedule,gpu:NoExecute\n",
			wantLabels: map[string]string{"team": "a", "workload": "batch"},
			wantTaints: []corev1.Taint{{Key: "dedicated", Value: "batch", Effect: corev1.TaintEffectNoSchedule},
				{Key: "gpu", Effect: corev1.TaintEffectNoExecute}},
		},
		{name: "no flags: a bare node", userData: "#cloud-config\nruncmd: [true]\n", wantLabels: map[string]string{}},
		{
			name:       "invalid label keys and unknown effects are dropped, as the kubelet refuses them",
			userData:   `KUBELET_EXTRA_ARGS="--node-labels=ok=1,bad key=2 --register-with-taints=a=b:Sometimes,c=d:NoSchedule"`,
			wantLabels: map[string]string{"ok": "1"},
			wantTaints: []corev1.Taint{{Key: "c", Value: "d", Effect: corev1.TaintEffectNoSchedule}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			labels, taints := kubeletRegistration(tc.userData)
			if !reflect.DeepEqual(labels, tc.wantLabels) || !reflect.DeepEqual(taints, tc.wantTaints) {
				t.Errorf("got %v %v, want %v %v", labels, taints, tc.wantLabels, tc.wantTaints)
			}
		})
	}
}
