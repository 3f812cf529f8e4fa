package vpsieapi

import "net/http"

// Envelope wraps every JSON response: {"error":bool,"code":int,"message":"...","data":...}. Shape A lists add
// Pagination, shape B lists add Total. Shape A's bare-object endpoints (GET/POST /vm, GET /offerings/{id}) skip it.
type Envelope[T any] struct {
	Error   bool   `json:"error"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Reason is a simulator extension: a stable machine-readable word (Reason* constants) for error responses.
	Reason string `json:"reason,omitempty"`
	// Field names the offending request field of a validation error (simulator extension).
	Field      string      `json:"field,omitempty"`
	Data       T           `json:"data"`
	Total      *int        `json:"total,omitempty"`
	Pagination *Pagination `json:"pagination,omitempty"`
}

// ErrorResponse is the body of every failed call (HTTP status >= 400); Data is null.
type ErrorResponse = Envelope[any]

// Pagination follows shape A's list responses.
type Pagination struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

// Reasons carried in ErrorResponse.Reason.
const (
	ReasonUnauthorized       = "unauthorized"        // missing or unknown token (401)
	ReasonTokenExpired       = "token_expired"       // token past its expiry (401): log in again
	ReasonInvalidCredentials = "invalid_credentials" // login refused (401); the message never echoes credentials
	ReasonValidation         = "validation_failed"   // 400, Field names the field
	ReasonNotFound           = "not_found"           // 404
	ReasonCapacityExhausted  = "capacity_exhausted"  // StatusCapacityExhausted
	ReasonRateLimited        = "rate_limited"        // 429 with Retry-After
	ReasonInternal           = "internal_error"      // 5xx
)

// Capacity exhaustion: the datacenter cannot place another VM of this kind right now. It is neither a client bug
// nor a transient server fault, so it gets its own status/code pair: callers should try another offering or
// datacenter (or back off this one) rather than retry the same request. The message starts with
// MessageCapacityExhausted.
const (
	StatusCapacityExhausted  = http.StatusConflict // 409
	CodeCapacityExhausted    = 4091
	MessageCapacityExhausted = "capacity exhausted"
)

// IsCapacityExhausted reports whether a failed response means the datacenter is out of capacity.
func IsCapacityExhausted(status int, body ErrorResponse) bool {
	return status == StatusCapacityExhausted &&
		(body.Code == CodeCapacityExhausted || body.Reason == ReasonCapacityExhausted)
}
