package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MaxBodyBytes is the largest AdmissionReview accepted. The apiserver sends one
// object (two on UPDATE); a NodeGroup or Node is a few KiB, so 128 KiB leaves
// room without letting one request pin much memory.
const MaxBodyBytes = 128 << 10

// AdmitFunc decides one admission request. It never sees a malformed review:
// serveReview answers those with 4xx before calling it.
type AdmitFunc func(ctx context.Context, req *admissionv1.AdmissionRequest) *admissionv1.AdmissionResponse

// reviewVersions are the AdmissionReview versions answered; v1beta1 has the same
// JSON shape and is echoed back unchanged.
var reviewVersions = map[string]bool{"admission.k8s.io/v1": true, "admission.k8s.io/v1beta1": true}

// serveReview applies the request hygiene, decodes the review, calls admit and
// answers with the review's apiVersion and kind and the request's UID.
func serveReview(w http.ResponseWriter, r *http.Request, admit AdmitFunc) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		httpError(w, http.StatusMethodNotAllowed, "only POST is allowed")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		httpError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return
	}
	if r.ContentLength > MaxBodyBytes {
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", MaxBodyBytes))
		return
	}
	review, status, err := decodeReview(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		httpError(w, status, err.Error())
		return
	}
	resp := admit(r.Context(), review.Request)
	if resp == nil {
		resp = &admissionv1.AdmissionResponse{Allowed: true}
	}
	resp.UID = review.Request.UID
	out := admissionv1.AdmissionReview{TypeMeta: review.TypeMeta, Response: resp}
	body, err := json.Marshal(&out)
	if err != nil {
		httpError(w, http.StatusInternalServerError, "encoding the response failed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// decodeReview reads at most MaxBodyBytes and returns the HTTP status to answer
// with when the body is not a usable review.
func decodeReview(body io.Reader) (*admissionv1.AdmissionReview, int, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", MaxBodyBytes)
		}
		return nil, http.StatusBadRequest, errors.New("reading the body failed")
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(data, &review); err != nil {
		return nil, http.StatusBadRequest, errors.New("body is not a JSON AdmissionReview")
	}
	switch {
	case review.Kind != "AdmissionReview" || !reviewVersions[review.APIVersion]:
		return nil, http.StatusBadRequest, fmt.Errorf("want kind AdmissionReview of admission.k8s.io/v1, got %q %q",
			review.Kind, review.APIVersion)
	case review.Request == nil:
		return nil, http.StatusBadRequest, errors.New("AdmissionReview has no request")
	case review.Request.UID == "":
		return nil, http.StatusBadRequest, errors.New("AdmissionReview request has no uid")
	}
	return &review, http.StatusOK, nil
}

func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}

// allow admits, with optional warnings shown by kubectl.
func allow(warnings ...string) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: true, Warnings: warnings}
}

// deny refuses with a message the apiserver passes on to the client.
func deny(code int32, reason metav1.StatusReason, msg string) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Result: &metav1.Status{Status: metav1.StatusFailure, Code: code,
		Reason: reason, Message: msg}}
}
