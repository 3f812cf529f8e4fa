package webhook

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

var fuzzPaths = []string{PathValidateNode, PathValidateNodeGroup, PathDefaultNodeGroup, PathValidateVPSieNode, "/nope"}

// FuzzAdmission drives the whole HTTP handler with arbitrary bodies, content
// types and paths: it must never panic, must answer one of the statuses the
// hygiene rules allow, and a 200 must be an AdmissionReview for the request's UID.
func FuzzAdmission(f *testing.F) {
	managed := map[string]string{"autoscaler.vpsie.com/managed": "true"}
	g := validGroup()
	seeds := [][]byte{
		reviewBody(f, admissionv1.Delete, "u", nil, nil, node("n", managed)),
		reviewBody(f, admissionv1.Delete, "u", []string{"g"}, nil, node("n", nil)),
		reviewBody(f, admissionv1.Delete, "u", nil, nil, nil),
		reviewBody(f, admissionv1.Create, "u", nil, g, nil),
		reviewBody(f, admissionv1.Update, "u", nil, g, g),
		reviewBody(f, admissionv1.Create, "u", nil, vpsieNode(), nil),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"DELETE","oldObject":"x"}}`),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":{"spec":{"rebalancePolicy":{"maintenanceWindows":[{}]},"datacenters":[1]}}}}`),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":[]}}`),
		[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`),
		[]byte(`{"kind":`), []byte(`null`), {},
	}
	for i, s := range seeds {
		f.Add(uint8(i), "application/json", s)
	}
	f.Add(uint8(0), "text/plain", seeds[0])
	h := NewHandler(Options{Catalogue: testCatalogue, Guard: NodeGuard{ExemptGroups: []string{"g"}}})
	allowed := []int{200, 400, 404, 413, 415}
	f.Fuzz(func(t *testing.T, route uint8, contentType string, body []byte) {
		path := fuzzPaths[int(route)%len(fuzzPaths)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if !slices.Contains(allowed, rec.Code) {
			t.Fatalf("status %d for %s %q", rec.Code, path, body)
		}
		if rec.Code != 200 {
			return
		}
		var in, out admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("answered 200 to a body that does not decode: %v", err)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil {
			t.Fatalf("200 without an AdmissionReview response: %v: %s", err, rec.Body)
		}
		if out.Response.UID != in.Request.UID || out.APIVersion != in.APIVersion || out.Kind != "AdmissionReview" {
			t.Fatalf("answered %s %s uid %q to %s uid %q", out.APIVersion, out.Kind, out.Response.UID, in.APIVersion, in.Request.UID)
		}
		if !out.Response.Allowed && out.Response.Result == nil {
			t.Fatal("a denial without a message")
		}
	})
}
