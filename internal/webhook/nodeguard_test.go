package webhook

import (
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

const autoscalerSA = "system:serviceaccount:vpsie-autoscaler:vpsie-autoscaler"

func TestNodeDeletionGuard(t *testing.T) {
	h := NewHandler(Options{Guard: NodeGuard{
		AutoscalerUser: autoscalerSA,
		ExemptUsers:    []string{"alice"},
		ExemptGroups:   []string{"node-admins", "system:serviceaccounts"},
	}})
	managed := map[string]string{"autoscaler.vpsie.com/managed": "true"}
	tests := []struct {
		name    string
		op      admissionv1.Operation
		user    string
		groups  []string
		obj     any
		old     any
		allowed bool
		message []string // substrings of the denial
	}{
		{name: "anyone may delete a managed node", user: "bob", old: node("w1", managed), allowed: true},
		{name: "the autoscaler may delete a managed node", user: autoscalerSA, old: node("w1", managed), allowed: true},
		{name: "an unmanaged node is denied, naming the node and the rule", user: "bob", old: node("w2", nil),
			message: []string{`"w2"`, "not labelled autoscaler.vpsie.com/managed=true", "webhook.exemptUsers"}},
		{name: "managed=false is unmanaged", user: "bob", old: node("w2", map[string]string{"autoscaler.vpsie.com/managed": "false"}),
			message: []string{`"w2"`, "not labelled"}},
		{name: "an exempt user may delete an unmanaged node", user: "alice", old: node("w2", nil), allowed: true},
		{name: "a member of an exempt group may delete an unmanaged node", user: "carol", groups: []string{"node-admins"},
			old: node("w2", nil), allowed: true},
		{name: "the autoscaler may not delete an unmanaged node even in an exempt group", user: autoscalerSA,
			groups: []string{"system:serviceaccounts"}, old: node("w2", nil), message: []string{`"w2"`, "the autoscaler"}},
		{name: "a control-plane node is denied even to an exempt user", user: "alice",
			old:     node("cp1", map[string]string{"node-role.kubernetes.io/control-plane": ""}),
			message: []string{`"cp1"`, "control-plane", "node-role.kubernetes.io/control-plane"}},
		{name: "a legacy master node is denied", user: "alice",
			old: node("m1", map[string]string{"node-role.kubernetes.io/master": ""}), message: []string{`"m1"`, "master"}},
		{name: "a managed control-plane node is still denied", user: autoscalerSA,
			old:     node("cp2", map[string]string{"node-role.kubernetes.io/control-plane": "", "autoscaler.vpsie.com/managed": "true"}),
			message: []string{`"cp2"`, "control-plane"}},
		// On DELETE the apiserver sends the node in oldObject and leaves object empty;
		// a guard that read object would see no labels.
		{name: "a managed node in oldObject with an empty object is allowed", user: "bob", obj: nil,
			old: node("w1", managed), allowed: true},
		{name: "a delete without oldObject is denied, not guessed", user: "alice", obj: node("w1", managed),
			message: []string{"no oldObject"}},
		{name: "an update is not judged", op: admissionv1.Update, user: "bob", obj: node("w2", nil), old: node("w2", nil), allowed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := tt.op
			if op == "" {
				op = admissionv1.Delete
			}
			code, resp := post(t, h, PathValidateNode, "application/json", reviewBody(t, op, tt.user, tt.groups, tt.obj, tt.old))
			if code != 200 {
				t.Fatalf("status %d", code)
			}
			if resp.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v (%+v)", resp.Allowed, tt.allowed, resp.Result)
			}
			if resp.UID != "uid-1" {
				t.Errorf("uid %q", resp.UID)
			}
			for _, m := range tt.message {
				if !strings.Contains(resp.Result.Message, m) {
					t.Errorf("message %q does not contain %q", resp.Result.Message, m)
				}
			}
			if !tt.allowed && resp.Result.Code != 403 {
				t.Errorf("code %d, want 403", resp.Result.Code)
			}
		})
	}
}
