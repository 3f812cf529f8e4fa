package vpsieapi

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestCreateVMRequestAccessorsPreferShapeASpelling(t *testing.T) {
	tests := []struct {
		name                    string
		req                     CreateVMRequest
		plan, dc, image, script string
		keys                    []string
	}{
		{
			name: "shape A fields",
			req: CreateVMRequest{OfferingID: "o", DatacenterID: "d", OSImageID: "i", UserData: "u",
				SSHKeyIDs: []string{"k1"}},
			plan: "o", dc: "d", image: "i", script: "u", keys: []string{"k1"},
		},
		{
			name: "shape B fields",
			req: CreateVMRequest{ResourceIdentifier: "o", DCIdentifier: "d", OSIdentifier: "i", UserDataB: "u",
				SSHKeyIdentifier: "k2"},
			plan: "o", dc: "d", image: "i", script: "u", keys: []string{"k2"},
		},
		{
			name: "shape A resourceIdentifier is the cluster, offering_id wins",
			req:  CreateVMRequest{OfferingID: "o", ResourceIdentifier: "cluster"},
			plan: "o",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req
			if r.Plan() != tt.plan || r.Datacenter() != tt.dc || r.Image() != tt.image || r.Script() != tt.script {
				t.Fatalf("got plan=%q dc=%q image=%q script=%q", r.Plan(), r.Datacenter(), r.Image(), r.Script())
			}
			if !slices.Equal(r.SSHKeys(), tt.keys) && len(tt.keys)+len(r.SSHKeys()) > 0 {
				t.Fatalf("keys = %v, want %v", r.SSHKeys(), tt.keys)
			}
		})
	}
}

func TestIsCapacityExhaustedNeedsStatusAndCode(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   ErrorResponse
		want   bool
	}{
		{"code", StatusCapacityExhausted, ErrorResponse{Code: CodeCapacityExhausted}, true},
		{"reason", StatusCapacityExhausted, ErrorResponse{Reason: ReasonCapacityExhausted}, true},
		{"other conflict", StatusCapacityExhausted, ErrorResponse{Code: 409}, false},
		{"server error", 503, ErrorResponse{Code: CodeCapacityExhausted}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsCapacityExhausted(tt.status, tt.body); got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTokenExpiresAtParsesRFC3339Only(t *testing.T) {
	if _, ok := (Token{Expires: "2026-01-02T03:04:05Z"}).ExpiresAt(); !ok {
		t.Fatal("RFC3339 expiry not parsed")
	}
	if _, ok := (Token{Expires: "2026-01-02 03:04:05"}).ExpiresAt(); ok {
		t.Fatal("non-RFC3339 expiry parsed")
	}
}

func TestWireNamesMatchBothShapes(t *testing.T) {
	tests := []struct {
		name  string
		value any
		keys  []string
	}{
		{"login A", LoginResponseA{}, []string{`"accessToken":{"token"`, `"refreshToken"`}},
		{"login B", LoginResponseB{}, []string{`"token":{"access":{"token":"","expires":""},"refresh"`}},
		{"vm", VM{}, []string{`"identifier"`, `"default_ip"`, `"created_on"`, `"dcIdentifier"`, `"power"`}},
		{"vm detail", VMDetail{}, []string{`"vmData"`, `"vmTags"`}},
		{"delete B", DeleteVMRequest{}, []string{`"vmIdentifier"`, `"deleteStatistic"`}},
		{"envelope", Envelope[[]VM]{}, []string{`"error":false`, `"code":0`, `"message":""`, `"data":null`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.keys {
				if !strings.Contains(string(b), k) {
					t.Errorf("%s lacks %s", b, k)
				}
			}
		})
	}
}

func TestTagListReadsWhatEverTheAPISends(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want TagList
	}{
		{name: "strings", in: `["a","b:c"]`, want: TagList{"a", "b:c"}},
		{name: "tag objects", in: `[{"tag":"a"},{"name":"b"},{"tagName":"c"},{"tag_name":"d"},{"id":3}]`,
			want: TagList{"a", "b", "c", "d"}},
		{name: "other elements skipped", in: `["a",1,true]`, want: TagList{"a"}},
		{name: "one comma-separated string", in: `"a, b:c,,"`, want: TagList{"a", "b:c"}},
		{name: "empty string", in: `""`, want: nil},
		{name: "null", in: `null`, want: nil},
		{name: "false", in: `false`, want: nil},
		{name: "object", in: `{}`, want: nil},
		{name: "empty", in: `[]`, want: TagList{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got TagList
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAVMWithOddTagsStillDecodes(t *testing.T) {
	var vm VM
	if err := json.Unmarshal([]byte(`{"identifier":"x","hostname":"h","tags":"a,b"}`), &vm); err != nil {
		t.Fatal(err)
	}
	if vm.Hostname != "h" || !slices.Equal(vm.Tags, TagList{"a", "b"}) {
		t.Fatalf("vm = %+v", vm)
	}
}
