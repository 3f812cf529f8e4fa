package schedsim

import "testing"

func TestNodeSelectorMatches(t *testing.T) {
	nodeLabels := map[string]string{"disk": "ssd", "zone": "a"}
	tests := []struct {
		name        string
		selector    map[string]string
		want        Reason
		wantMessage string
	}{
		{name: "no selector matches every node"},
		{name: "all pairs present match", selector: map[string]string{"disk": "ssd", "zone": "a"}},
		{name: "a different value does not match", selector: map[string]string{"disk": "hdd"},
			want: ReasonNodeSelectorMismatch, wantMessage: "nodeSelector disk=hdd not matched"},
		{name: "a missing key does not match", selector: map[string]string{"gpu": "true"}, want: ReasonNodeSelectorMismatch},
		{name: "the message names the first mismatch alphabetically", selector: map[string]string{"zz": "1", "aa": "1", "disk": "ssd"},
			want: ReasonNodeSelectorMismatch, wantMessage: "nodeSelector aa=1 not matched"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nodeSelectorMatches(tt.selector, nodeLabels)
			if got.Reason != tt.want || tt.wantMessage != "" && got.Message != tt.wantMessage {
				t.Fatalf("got %v %q, want %v %q", got.Reason, got.Message, tt.want, tt.wantMessage)
			}
		})
	}
}
