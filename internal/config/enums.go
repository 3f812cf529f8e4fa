package config

// LogLevel is the lowest level that is logged.
type LogLevel string

// Log levels.
const (
	LogLevelDebug LogLevel = "debug"
	LogLevelInfo  LogLevel = "info"
	LogLevelWarn  LogLevel = "warn"
	LogLevelError LogLevel = "error"
)

// LogFormat is the log line format.
type LogFormat string

// Log formats.
const (
	LogFormatJSON LogFormat = "json"
	LogFormatText LogFormat = "text"
)

// LoginEncoding is the body encoding of the VPSie login request.
type LoginEncoding string

// Login encodings: form for the API shape the earlier autoscaler used, json for VPSie's own Go client.
const (
	LoginEncodingForm LoginEncoding = "form"
	LoginEncodingJSON LoginEncoding = "json"
)

// AuthHeader is how VPSie API requests carry the access token.
type AuthHeader string

// Auth headers: "Authorization: Bearer <token>" or "Vpsie-Auth: <token>".
const (
	AuthHeaderBearer    AuthHeader = "bearer"
	AuthHeaderVPSieAuth AuthHeader = "vpsie-auth"
)

// APIShape selects one of the two known VPSie API dialects.
type APIShape string

// API shapes: a is the earlier autoscaler's (base /v2, form login, Bearer), b is VPSie's own Go client
// (/apps/v2 and /api/v2, JSON login, Vpsie-Auth).
const (
	APIShapeA APIShape = "a"
	APIShapeB APIShape = "b"
)

// JoinMode is how a new node gets the credentials of its `kubeadm join`.
type JoinMode string

// Join modes: perNodeToken issues every node its own bootstrap token (kube-system,
// deleted at the join), joinSecret renders the shared Secret scaleUp.joinSecretName.
const (
	JoinModePerNodeToken JoinMode = "perNodeToken"
	JoinModeJoinSecret   JoinMode = "joinSecret"
)

// shapeDefaulted is implemented by enums that may be left empty to take the apiShape's default.
type shapeDefaulted interface{ takesShapeDefault() }

func (LoginEncoding) takesShapeDefault() {}
func (AuthHeader) takesShapeDefault()    {}

// enum is implemented by the string types above; validation and documentation read the allowed values from it.
type enum interface{ allowed() []string }

func (LogLevel) allowed() []string {
	return names(LogLevelDebug, LogLevelInfo, LogLevelWarn, LogLevelError)
}
func (LogFormat) allowed() []string     { return names(LogFormatJSON, LogFormatText) }
func (LoginEncoding) allowed() []string { return names(LoginEncodingForm, LoginEncodingJSON) }
func (AuthHeader) allowed() []string    { return names(AuthHeaderBearer, AuthHeaderVPSieAuth) }
func (APIShape) allowed() []string      { return names(APIShapeA, APIShapeB) }
func (JoinMode) allowed() []string      { return names(JoinModePerNodeToken, JoinModeJoinSecret) }

func names[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
