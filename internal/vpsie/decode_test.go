package vpsie

import (
	"errors"
	"strings"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

func TestDecodeResponseClassifiesEnvelopesAndStatuses(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind Kind // KindUnknown: success
		wantHost string
	}{
		{"envelope data", 200, `{"error":false,"code":200,"data":{"hostname":"a"}}`, KindUnknown, "a"},
		{"bare object", 200, `{"id":1,"hostname":"b"}`, KindUnknown, "b"},
		{"error flag on 200", 200, `{"error":true,"code":0,"message":"nope"}`, KindInvalidRequest, ""},
		{"error string on 200", 200, `{"error":"denied","code":403}`, KindUnauthorized, ""},
		{"error false string", 200, `{"error":"false","data":{"hostname":"c"}}`, KindUnknown, "c"},
		{"not found", 404, `{"error":true,"code":404,"message":"vm not found"}`, KindNotFound, ""},
		{"capacity by code", 409, `{"error":true,"code":4091,"message":"x"}`, KindCapacityExhausted, ""},
		{"capacity by reason", 409, `{"error":true,"reason":"capacity_exhausted"}`, KindCapacityExhausted, ""},
		{"quota message", 400, `{"error":true,"message":"Quota exceeded for vCPU"}`, KindCapacityExhausted, ""},
		{"quota message on 409", 409, `{"error":true,"message":"Maximum number of servers"}`, KindCapacityExhausted, ""},
		{"throttle that sounds like a quota", 429, `{"error":true,"message":"API rate limit reached"}`, KindRateLimited,
			""},
		{"throttle with maximum number", 429, `{"error":true,"message":"Maximum number of requests"}`, KindRateLimited,
			""},
		{"unauthorized that sounds like a quota", 401, `{"error":true,"message":"quota exceeded for tokens"}`,
			KindUnauthorized, ""},
		{"plain conflict", 409, `{"error":true,"code":409}`, KindInvalidRequest, ""},
		{"rate limited", 429, ``, KindRateLimited, ""},
		{"html from a proxy", 502, `<html>bad gateway</html>`, KindTransient, ""},
		{"string code", 500, `{"error":true,"code":"500"}`, KindTransient, ""},
		{"redirect", 302, ``, KindInvalidRequest, ""},
		{"undecodable success", 200, `{"data":[1,2]}`, KindTransient, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var vm vpsieapi.VM
			err := decodeResponse(tt.status, []byte(tt.body), &vm)
			if tt.wantKind == KindUnknown {
				if err != nil || vm.Hostname != tt.wantHost {
					t.Fatalf("err = %v, hostname = %q", err, vm.Hostname)
				}
				return
			}
			if KindOf(err) != tt.wantKind {
				t.Fatalf("kind = %v (err %v), want %v", KindOf(err), err, tt.wantKind)
			}
		})
	}
}

func TestListPageReadsEnvelopesAndBareArrays(t *testing.T) {
	for _, body := range []string{
		`{"error":false,"data":[{"id":"a"},{"id":"b"}],"pagination":{"current_page":1,"total_pages":1}}`,
		`{"error":false,"data":[{"id":"a"},{"id":"b"}],"total":2}`,
		`[{"id":"a"},{"id":"b"}]`,
	} {
		var p listPage[vpsieapi.Offering]
		if err := decodeResponse(200, []byte(body), &p); err != nil || len(p.Data) != 2 {
			t.Fatalf("%s: err = %v, data = %v", body, err, p.Data)
		}
	}
}

// FuzzDecodeResponse: any status and body decode without panicking into success only for 2xx, and every failure
// is an *APIError with a kind.
func FuzzDecodeResponse(f *testing.F) {
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"error":false,"code":200,"message":"ok","data":{"id":1,"hostname":"h","tags":["a"]}}`},
		{200, `{"error":false,"data":[{"id":"x"}],"pagination":{"total":1,"current_page":1,"total_pages":3}}`},
		{200, `{"id":1,"identifier":"u","status":"running","created_on":"2026-01-01T00:00:00Z"}`},
		{200, `{"accessToken":{"token":"t","expires":"2026-01-01T00:00:00Z"}}`},
		{200, `{"error":"true"}`},
		{409, `{"error":true,"code":4091,"reason":"capacity_exhausted","message":"capacity exhausted"}`},
		{429, ``},
		{500, `not json`},
		{200, `[{"id":"a"}]`},
		{200, `null`},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		targets := []any{nil, &vpsieapi.VM{}, &vpsieapi.VMDetail{}, &listPage[vpsieapi.VM]{}, &loginResponse{}}
		for _, out := range targets {
			err := decodeResponse(status, body, out)
			if err == nil {
				if status < 200 || status >= 300 {
					t.Fatalf("status %d decoded as success", status)
				}
				continue
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Kind == KindUnknown {
				t.Fatalf("failure %v is not a classified *APIError", err)
			}
			if apiErr.Kind.String() == "" || strings.Contains(apiErr.Kind.String(), " ") {
				t.Fatalf("kind label %q", apiErr.Kind.String())
			}
		}
	})
}
