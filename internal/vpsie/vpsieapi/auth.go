package vpsieapi

import "time"

// Shape A login form fields (application/x-www-form-urlencoded, always built with url.Values).
const (
	FormClientID     = "clientId"
	FormClientSecret = "clientSecret"
)

// Token is one token with its expiry, an RFC3339 string.
type Token struct {
	Token   string `json:"token"`
	Expires string `json:"expires"`
}

// ExpiresAt parses Expires; ok is false when it is missing or not RFC3339.
func (t Token) ExpiresAt() (at time.Time, ok bool) {
	at, err := time.Parse(time.RFC3339, t.Expires)
	return at, err == nil
}

// LoginResponseA is shape A's login response: tokens at the top level next to the envelope fields.
type LoginResponseA struct {
	Error        bool   `json:"error"`
	Code         int    `json:"code"`
	Message      string `json:"message"`
	AccessToken  Token  `json:"accessToken"`
	RefreshToken Token  `json:"refreshToken"`
}

// LoginRequest is shape B's JSON login body.
type LoginRequest struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// LoginResponseB is shape B's login response: {"error":false,"token":{"access":{...},"refresh":{...}}}.
type LoginResponseB struct {
	Error   bool      `json:"error"`
	Code    int       `json:"code"`
	Message string    `json:"message"`
	Token   TokenPair `json:"token"`
}

// TokenPair is shape B's token object.
type TokenPair struct {
	Access  Token `json:"access"`
	Refresh Token `json:"refresh"`
}
