package schedsim

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestTaintsTolerated(t *testing.T) {
	noSchedule := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}
	noExecute := corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoExecute}
	prefer := corev1.Taint{Key: "soft", Effect: corev1.TaintEffectPreferNoSchedule}
	tests := []struct {
		name        string
		tolerations []corev1.Toleration
		taints      []corev1.Taint
		want        Reason
		wantMessage string
	}{
		{name: "an untainted node takes any pod"},
		{name: "PreferNoSchedule never blocks", taints: []corev1.Taint{prefer}},
		{name: "NoSchedule without toleration blocks and is named", taints: []corev1.Taint{noSchedule},
			want: ReasonTaintNotTolerated, wantMessage: "taint dedicated=gpu:NoSchedule not tolerated"},
		{name: "NoExecute must be tolerated too", taints: []corev1.Taint{noExecute}, want: ReasonTaintNotTolerated},
		{name: "Equal with the same value tolerates", taints: []corev1.Taint{noSchedule},
			tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "gpu"}}},
		{name: "an empty operator means Equal", taints: []corev1.Taint{noSchedule},
			tolerations: []corev1.Toleration{{Key: "dedicated", Value: "gpu"}}},
		{name: "Equal with another value does not tolerate", taints: []corev1.Taint{noSchedule},
			tolerations: []corev1.Toleration{{Key: "dedicated", Value: "cpu"}}, want: ReasonTaintNotTolerated},
		{name: "Exists tolerates any value of the key", taints: []corev1.Taint{noSchedule},
			tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}},
		{name: "an empty key with Exists tolerates everything", taints: []corev1.Taint{noSchedule, noExecute},
			tolerations: []corev1.Toleration{{Operator: corev1.TolerationOpExists}}},
		{name: "a toleration for another effect does not tolerate", taints: []corev1.Taint{noExecute},
			tolerations: []corev1.Toleration{{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoSchedule}},
			want:        ReasonTaintNotTolerated},
		{name: "every blocking taint must be tolerated", taints: []corev1.Taint{noSchedule, {Key: "other", Effect: corev1.TaintEffectNoSchedule}},
			tolerations: []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}},
			want:        ReasonTaintNotTolerated, wantMessage: "taint other:NoSchedule not tolerated"},
		{name: "numeric Gt is treated as not tolerating", taints: []corev1.Taint{{Key: "level", Value: "5", Effect: corev1.TaintEffectNoSchedule}},
			tolerations: []corev1.Toleration{{Key: "level", Operator: "Gt", Value: "3"}}, want: ReasonTaintNotTolerated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := taintsTolerated(tt.tolerations, tt.taints)
			if got.Reason != tt.want || tt.wantMessage != "" && got.Message != tt.wantMessage {
				t.Fatalf("got %v %q, want %v %q", got.Reason, got.Message, tt.want, tt.wantMessage)
			}
		})
	}
}
