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

// enum is implemented by the string types above; validation and documentation read the allowed values from it.
type enum interface{ allowed() []string }

func (LogLevel) allowed() []string {
	return names(LogLevelDebug, LogLevelInfo, LogLevelWarn, LogLevelError)
}
func (LogFormat) allowed() []string     { return names(LogFormatJSON, LogFormatText) }
func (LoginEncoding) allowed() []string { return names(LoginEncodingForm, LoginEncodingJSON) }
func (AuthHeader) allowed() []string    { return names(AuthHeaderBearer, AuthHeaderVPSieAuth) }

func names[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
