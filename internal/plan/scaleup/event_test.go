package scaleup

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEventMessage(t *testing.T) {
	tests := []struct {
		name     string
		verdicts []Verdict
		want     string
	}{
		{
			name: "one clause per group, in the verdicts' order",
			verdicts: []Verdict{
				{NodeGroup: key("a"), Reason: ReasonInsufficientCPU, Message: "needs 40 CPU, largest offering has 32"},
				{NodeGroup: key("b"), Reason: ReasonNodeSelectorMismatch, Message: "nodeSelector disk=ssd not matched"},
			},
			want: "NodeGroup default/a: needs 40 CPU, largest offering has 32; NodeGroup default/b: nodeSelector disk=ssd not matched",
		},
		{
			name: "groups with the same message are named together",
			verdicts: []Verdict{
				{NodeGroup: key("c"), Reason: ReasonTaintNotTolerated, Message: "taint gpu:NoSchedule not tolerated"},
				{NodeGroup: key("a"), Reason: ReasonInCooldown, Message: "in scale-up cooldown"},
				{NodeGroup: key("b"), Reason: ReasonTaintNotTolerated, Message: "taint gpu:NoSchedule not tolerated"},
			},
			want: "NodeGroups default/b, default/c: taint gpu:NoSchedule not tolerated; NodeGroup default/a: in scale-up cooldown",
		},
		{name: "no group at all", want: "no NodeGroup can take this pod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EventMessage(Unschedulable{Pod: key("p"), Verdicts: tt.verdicts}); got != tt.want {
				t.Fatalf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestEventMessageFitsAnEventAndKeepsUTF8Whole(t *testing.T) {
	var verdicts []Verdict
	for i := range 200 {
		verdicts = append(verdicts, Verdict{NodeGroup: key("g" + itoa(int64(i))), Message: "taint é" + itoa(int64(i)) + ":NoSchedule not tolerated"})
	}
	got := EventMessage(Unschedulable{Verdicts: verdicts})
	if len(got) > maxEventMessage || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("len %d, valid %v, ends %q", len(got), utf8.ValidString(got), got[len(got)-8:])
	}
}
