package vpsiesim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// apiError is a failed API call; writeError turns it into a vpsieapi.ErrorResponse.
type apiError struct {
	Status  int
	Code    int // defaults to Status
	Reason  string
	Field   string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Reason, e.Message) }

func errValidation(field, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Reason: vpsieapi.ReasonValidation, Field: field,
		Message: field + ": " + fmt.Sprintf(format, args...)}
}

func errNotFound(kind, id string) *apiError {
	return &apiError{Status: http.StatusNotFound, Reason: vpsieapi.ReasonNotFound,
		Message: fmt.Sprintf("%s %q not found", kind, id)}
}

func errUnauthorized(reason, msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Reason: reason, Message: msg}
}

func errUnavailable(msg string) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Reason: vpsieapi.ReasonInternal, Message: msg}
}

func errCapacity(dc, offering string) *apiError {
	return &apiError{Status: vpsieapi.StatusCapacityExhausted, Code: vpsieapi.CodeCapacityExhausted,
		Reason:  vpsieapi.ReasonCapacityExhausted,
		Message: fmt.Sprintf("%s in datacenter %s for offering %s", vpsieapi.MessageCapacityExhausted, dc, offering)}
}

func writeError(w http.ResponseWriter, e *apiError) {
	code := e.Code
	if code == 0 {
		code = e.Status
	}
	writeJSON(w, e.Status, vpsieapi.ErrorResponse{Error: true, Code: code, Message: e.Message, Reason: e.Reason,
		Field: e.Field})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is already sent; an encoding error can only be a broken connection.
	_ = json.NewEncoder(w).Encode(v)
}

// ok wraps data in a successful envelope.
func ok[T any](data T) vpsieapi.Envelope[T] {
	return vpsieapi.Envelope[T]{Code: http.StatusOK, Message: "ok", Data: data}
}

// decodeJSON reads a JSON request body into v, naming "body" in the validation error. The error never quotes
// the body: it may hold credentials.
func decodeJSON(r *http.Request, v any) *apiError {
	err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(v)
	switch {
	case errors.Is(err, io.EOF):
		return errValidation("body", "is required")
	case err != nil:
		return errValidation("body", "invalid JSON")
	}
	return nil
}

// requireContentType refuses a body that is not of media type want: the real API parses bodies by their
// Content-Type, so a client that sends the wrong one fails there even when the bytes are right.
func requireContentType(r *http.Request, want string) *apiError {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != want {
		return errValidation("Content-Type", "must be %s", want)
	}
	return nil
}
