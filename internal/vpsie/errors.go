package vpsie

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Kind classifies every error the client returns, so callers decide on retries without parsing text.
type Kind int

const (
	KindUnknown Kind = iota
	KindNotFound
	KindUnauthorized
	KindRateLimited
	KindCapacityExhausted
	KindInvalidRequest
	KindTransient
	KindCircuitOpen
	// KindBadEndpoint: a 404 that is not the API's own answer (no VPSie error body, or on the login): the base URL
	// or the API shape is wrong. Not retryable: the same request goes to the same wrong place.
	KindBadEndpoint

	numKinds // not a kind: the count, so Kinds can list every one
)

// Kinds lists every Kind, so a mapping from kinds (activities' error types) can be
// tested for completeness: a new kind without a mapping fails that test.
func Kinds() []Kind {
	ks := make([]Kind, numKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

var kindNames = [numKinds]string{"unknown", "not_found", "unauthorized", "rate_limited", "capacity_exhausted",
	"invalid_request", "transient", "circuit_open", "bad_endpoint"}

// String is also the value of the errors_total "kind" label.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[KindUnknown]
	}
	return kindNames[k]
}

// Retryable reports whether a later attempt of the same call can succeed.
func (k Kind) Retryable() bool {
	return k == KindTransient || k == KindRateLimited || k == KindCircuitOpen
}

// kindError is the sentinel behind ErrNotFound and friends; errors.Is matches an *APIError by Kind.
type kindError struct{ kind Kind }

func (e *kindError) Error() string { return "vpsie: " + e.kind.String() }

// Sentinels for errors.Is(err, vpsie.ErrNotFound) and the like.
var (
	ErrNotFound          error = &kindError{KindNotFound}
	ErrUnauthorized      error = &kindError{KindUnauthorized}
	ErrRateLimited       error = &kindError{KindRateLimited}
	ErrCapacityExhausted error = &kindError{KindCapacityExhausted}
	ErrInvalidRequest    error = &kindError{KindInvalidRequest}
	ErrTransient         error = &kindError{KindTransient}
	ErrCircuitOpen       error = &kindError{KindCircuitOpen}
	ErrBadEndpoint       error = &kindError{KindBadEndpoint}
)

// APIError is returned for every failed call. It never carries credentials or tokens: server messages are only kept
// for non-login calls, truncated, with known secrets scrubbed.
type APIError struct {
	Kind       Kind
	Method     string
	Endpoint   string // route template, e.g. /vm/{id}
	StatusCode int    // 0 when no response was received
	Code       int    // envelope code, if any
	Message    string
	RetryAfter time.Duration // from Retry-After, if the server sent one
	Err        error         // underlying cause (transport error, context deadline), if any
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("vpsie %s %s: %s", e.Method, e.Endpoint, e.Kind)
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.StatusCode)
		if e.Code != 0 && e.Code != e.StatusCode {
			s += fmt.Sprintf(", code %d", e.Code)
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) work for any *APIError of that Kind.
func (e *APIError) Is(target error) bool {
	var k *kindError
	return errors.As(target, &k) && k.kind == e.Kind
}

// KindOf returns the Kind of the first *APIError in err's chain, or KindUnknown.
func KindOf(err error) Kind {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Kind
	}
	return KindUnknown
}

// IsRetryable reports whether err is worth retrying later: transient failures, rate limiting and an open circuit.
// Temporal activities wrap every other error as non-retryable.
func IsRetryable(err error) bool {
	return err != nil && KindOf(err).Retryable()
}

// kindForStatus maps an HTTP status to a Kind; statusError refines it from the body (capacity, bad endpoint).
func kindForStatus(status int) Kind {
	switch {
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return KindUnauthorized
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusRequestTimeout, status >= 500:
		return KindTransient
	case status >= 400:
		return KindInvalidRequest
	default:
		return KindUnknown
	}
}

// errNoToken: a login answered 2xx without an access token.
var errNoToken = errors.New("login response has no access token")

// invalidArgument rejects a call before any request is sent.
func invalidArgument(method, route, msg string) *APIError {
	return &APIError{Kind: KindInvalidRequest, Method: method, Endpoint: route, Message: msg}
}
