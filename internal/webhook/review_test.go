package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

func TestRequestHygiene(t *testing.T) {
	h := NewHandler(Options{Catalogue: testCatalogue})
	valid := reviewBody(t, admissionv1.Delete, "alice", nil, nil, node("n1", map[string]string{"autoscaler.vpsie.com/managed": "true"}))
	big := append(bytes.Repeat([]byte(" "), MaxBodyBytes), valid...)
	tests := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        []byte
		want        int
	}{
		{"a valid review is answered", http.MethodPost, PathValidateNode, "application/json", valid, 200},
		{"a content type with parameters is json", http.MethodPost, PathValidateNode, "application/json; charset=utf-8", valid, 200},
		{"a body over 128 KiB is too large", http.MethodPost, PathValidateNode, "application/json", big, 413},
		{"a body of exactly 128 KiB is read", http.MethodPost, PathValidateNode, "application/json",
			append(bytes.Repeat([]byte(" "), MaxBodyBytes-len(valid)), valid...), 200},
		{"yaml is an unsupported media type", http.MethodPost, PathValidateNode, "application/yaml", valid, 415},
		{"a missing content type is unsupported", http.MethodPost, PathValidateNode, "", valid, 415},
		{"malformed json is a bad request", http.MethodPost, PathValidateNode, "application/json", []byte(`{"kind":`), 400},
		{"a review without request is a bad request", http.MethodPost, PathValidateNode, "application/json",
			[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), 400},
		{"a request without uid is a bad request", http.MethodPost, PathValidateNode, "application/json",
			[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}`), 400},
		{"another kind is a bad request", http.MethodPost, PathValidateNode, "application/json",
			[]byte(`{"apiVersion":"v1","kind":"Pod","request":{"uid":"u"}}`), 400},
		{"json null is a bad request", http.MethodPost, PathValidateNode, "application/json", []byte(`null`), 400},
		{"GET is not allowed", http.MethodGet, PathValidateNode, "application/json", nil, 405},
		{"an unknown path is not found", http.MethodPost, "/validate-pod", "application/json", valid, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, bytes.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body)
			}
		})
	}
}

// A chunked body has no Content-Length: the limit still holds while reading.
func TestRequestHygieneLimitsBodiesWithoutContentLength(t *testing.T) {
	h := NewHandler(Options{})
	body := strings.NewReader(strings.Repeat(" ", 1<<20))
	req := httptest.NewRequest(http.MethodPost, PathValidateNode, struct{ *strings.Reader }{body})
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
	if read := 1<<20 - body.Len(); read > MaxBodyBytes+4096 {
		t.Errorf("read %d bytes of a 1 MiB body, want at most about %d", read, MaxBodyBytes)
	}
}

func TestResponseEchoesTheReviewVersionAndUID(t *testing.T) {
	h := NewHandler(Options{})
	for _, version := range []string{"admission.k8s.io/v1", "admission.k8s.io/v1beta1"} {
		t.Run(version, func(t *testing.T) {
			body := []byte(`{"apiVersion":"` + version + `","kind":"AdmissionReview","request":{"uid":"abc-123","operation":"CREATE"}}`)
			req := httptest.NewRequest(http.MethodPost, PathValidateNode, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			resp, _ := out["response"].(map[string]any)
			if out["apiVersion"] != version || out["kind"] != "AdmissionReview" || resp["uid"] != "abc-123" || resp["allowed"] != true {
				t.Errorf("got %s", rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}
