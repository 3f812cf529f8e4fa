package vpsie

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// rawEnvelope holds the envelope fields tolerantly: "error" is a bool in one shape and a string in the other, and
// "code" may come as a number or a string.
type rawEnvelope struct {
	Error   json.RawMessage
	Code    json.RawMessage
	Message string
	Reason  string
	Data    json.RawMessage
	// hasMessage: the body has a string "message", even an empty one (part of the envelope test in fromAPI).
	hasMessage bool
}

func (e rawEnvelope) failed() bool {
	s := strings.TrimSpace(string(e.Error))
	switch s {
	case "", "null", "false", `""`, `"false"`:
		return false
	}
	return true
}

// fromAPI tells the API's own error body (either shape's envelope: an "error" flag, or a code with a message)
// from what answers for an unknown path: a web server's plain "404 page not found", a proxy's HTML, an unrelated
// JSON object. Only the API's own 404 proves a resource is gone.
func (e rawEnvelope) fromAPI() bool {
	return e.failed() || (present(e.Code) && e.hasMessage)
}

func present(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

func (e rawEnvelope) code() int {
	s := strings.Trim(strings.TrimSpace(string(e.Code)), `"`)
	n, _ := strconv.Atoi(s)
	return n
}

// wholeEnvelope marks a decode target that reads the envelope itself (lists, for their pagination).
type wholeEnvelope interface{ wholeEnvelope() }

// errDecode marks a 2xx body that does not fit the expected type.
var errDecode = errors.New("undecodable response body")

// decodeResponse turns one HTTP response into out, or into an *APIError carrying Kind, StatusCode, Code and the
// server's Message (the caller decides whether the message may be kept). A body with a top-level "data" key is an
// envelope and data is decoded into out; any other JSON object is decoded into out whole (shape A's bare objects,
// login responses). out may be nil when only success matters.
func decodeResponse(status int, body []byte, out any) error {
	var top map[string]json.RawMessage
	isObject := json.Unmarshal(body, &top) == nil
	env := envelopeOf(top)
	if status >= 300 || status < 200 {
		return statusError(status, env)
	}
	if isObject && env.failed() {
		// govpsie treats {"error":true} on HTTP 200 as a failure; so do we, classified by the envelope code.
		e := statusError(env.code(), env)
		e.StatusCode = status
		return e
	}
	if out == nil {
		return nil
	}
	target := body
	if _, whole := out.(wholeEnvelope); !whole {
		if _, ok := top["data"]; ok {
			target = env.Data
		}
	}
	if err := json.Unmarshal(target, out); err != nil {
		return &APIError{Kind: KindTransient, StatusCode: status, Err: errDecode}
	}
	return nil
}

// statusError classifies a failure; capacity exhaustion is recognised by the simulator's code/reason and by the
// phrases the real API was seen to use for quota limits. The phrases count only on the statuses a quota refusal
// comes with: a throttled, unauthenticated or missing call must keep its own (often retryable) kind.
func statusError(status int, env rawEnvelope) *APIError {
	e := &APIError{Kind: kindForStatus(status), StatusCode: status, Code: env.code(), Message: env.Message}
	switch {
	case e.Kind == KindUnknown:
		e.Kind = KindInvalidRequest
	case e.Kind == KindNotFound && !env.fromAPI():
		e.Kind = KindBadEndpoint
	}
	wire := vpsieapi.ErrorResponse{Code: e.Code, Reason: env.Reason}
	if vpsieapi.IsCapacityExhausted(status, wire) || env.Reason == vpsieapi.ReasonCapacityExhausted ||
		(quotaStatuses[status] && isQuotaMessage(env.Message)) {
		e.Kind = KindCapacityExhausted
	}
	return e
}

var quotaStatuses = map[int]bool{400: true, 403: true, 409: true, 422: true}

var quotaPhrases = []string{vpsieapi.MessageCapacityExhausted, "exceeds the allowed limit", "quota exceeded",
	"plan does not allow", "maximum number of", "limit reached", "subscription does not allow", "out of stock"}

func isQuotaMessage(msg string) bool {
	msg = strings.ToLower(msg)
	for _, p := range quotaPhrases {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// envelopeOf picks the envelope fields out of a decoded top-level object; absent or mistyped fields stay zero.
func envelopeOf(top map[string]json.RawMessage) rawEnvelope {
	env := rawEnvelope{Error: top["error"], Code: top["code"], Data: top["data"]}
	env.hasMessage = present(top["message"]) && json.Unmarshal(top["message"], &env.Message) == nil
	_ = json.Unmarshal(top["reason"], &env.Reason)
	return env
}
