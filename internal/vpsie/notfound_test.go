package vpsie_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Bodies a 404 may come with.
const (
	vpsie404A     = `{"error":true,"code":404,"message":"vm not found"}`
	vpsie404B     = `{"error":"VM not found","code":404}`
	codeMessage   = `{"code":404,"message":"vm not found"}`
	gatewayJSON   = `{"message":"no Route matched with those values"}`
	unrelatedJSON = `{"status":404}`
)

// Only the API's own 404 on the delete itself means "already gone"; anything else must fail the delete, or a
// wrong base URL or a failed login would report VMs deleted that still run (and cost money).
func TestDeleteReadsOnlyTheAPIsOwn404AsAlreadyGone(t *testing.T) {
	tests := []struct {
		name     string
		routes   func(vpsie.Shape) map[string]http.HandlerFunc
		wantKind vpsie.Kind // KindUnknown: success
	}{
		{name: "API 404 body of shape A on delete: gone",
			routes: onDelete(answer(http.StatusNotFound, vpsie404A))},
		{name: "API 404 body of shape B on delete: gone",
			routes: onDelete(answer(http.StatusNotFound, vpsie404B))},
		{name: "code and message envelope on delete: gone",
			routes: onDelete(answer(http.StatusNotFound, codeMessage))},
		{name: "unknown route (Go's 404 page): bad endpoint",
			routes: func(vpsie.Shape) map[string]http.HandlerFunc { return nil }, wantKind: vpsie.KindBadEndpoint},
		{name: "gateway's JSON 404: bad endpoint",
			routes: onDelete(answer(http.StatusNotFound, gatewayJSON)), wantKind: vpsie.KindBadEndpoint},
		{name: "unrelated JSON 404: bad endpoint",
			routes: onDelete(answer(http.StatusNotFound, unrelatedJSON)), wantKind: vpsie.KindBadEndpoint},
		{name: "empty 404: bad endpoint",
			routes: onDelete(answer(http.StatusNotFound, "")), wantKind: vpsie.KindBadEndpoint},
		{name: "login unrouted (Go's 404 page): bad endpoint",
			routes: onLogin(nil), wantKind: vpsie.KindBadEndpoint},
		{name: "login answered with an API 404 body: bad endpoint",
			routes: onLogin(answer(http.StatusNotFound, vpsie404A)), wantKind: vpsie.KindBadEndpoint},
		{name: "login answered 200 with an error envelope of code 404: bad endpoint",
			routes: onLogin(answer(http.StatusOK, vpsie404A)), wantKind: vpsie.KindBadEndpoint},
		{name: "login refused: unauthorized",
			routes:   onLogin(answer(http.StatusUnauthorized, `{"error":true,"code":401}`)),
			wantKind: vpsie.KindUnauthorized},
	}
	for _, shape := range shapes {
		for _, tt := range tests {
			t.Run("shape "+shape.String()+" "+tt.name, func(t *testing.T) {
				err := fakeAPI(t, shape, tt.routes(shape)).DeleteVM(t.Context(), "vm-1")
				if tt.wantKind == vpsie.KindUnknown {
					if err != nil {
						t.Fatalf("err = %v, want success (already gone)", err)
					}
					return
				}
				if err == nil || errors.Is(err, vpsie.ErrNotFound) || vpsie.KindOf(err) != tt.wantKind {
					t.Fatalf("err = %v (kind %v), want kind %v and not ErrNotFound", err, vpsie.KindOf(err),
						tt.wantKind)
				}
				if vpsie.IsRetryable(err) {
					t.Fatalf("err = %v is retryable: the same request goes to the same place", err)
				}
			})
		}
	}
}

func TestGetTellsAGoneVMFromAWrongEndpoint(t *testing.T) {
	tests := []struct {
		name   string
		routes map[string]http.HandlerFunc
		want   error
	}{
		{"API 404 body", map[string]http.HandlerFunc{
			"GET " + vpsieapi.PrefixA + vpsieapi.PathAVM: answer(http.StatusNotFound, vpsie404A)},
			vpsie.ErrNotFound},
		{"unknown route", nil, vpsie.ErrBadEndpoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fakeAPI(t, vpsie.ShapeA, tt.routes).GetVM(t.Context(), "vm-1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

// onDelete routes the shape's delete to h.
func onDelete(h http.HandlerFunc) func(vpsie.Shape) map[string]http.HandlerFunc {
	return func(s vpsie.Shape) map[string]http.HandlerFunc {
		return map[string]http.HandlerFunc{deletePattern(s): h}
	}
}

// onLogin routes the shape's login to h (nil: unrouted) and accepts every delete, so only the login can fail.
func onLogin(h http.HandlerFunc) func(vpsie.Shape) map[string]http.HandlerFunc {
	return func(s vpsie.Shape) map[string]http.HandlerFunc {
		return map[string]http.HandlerFunc{loginPattern(s): h, deletePattern(s): answer(http.StatusOK, `{}`)}
	}
}
