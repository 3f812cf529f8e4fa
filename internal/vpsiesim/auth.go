package vpsiesim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// issued is the result of a successful login.
type issued struct {
	access, refresh vpsieapi.Token
}

// login checks credentials and issues a token pair. A refusal never mentions what was sent: a caller logging the
// message must not leak the secret.
func (s *Simulator) login(clientID, clientSecret string, sh shape) (issued, *apiError) {
	if clientID == "" {
		return issued{}, errValidation(sh.field(vpsieapi.FormClientID, "clientId"), "is required")
	}
	if clientSecret == "" {
		return issued{}, errValidation(sh.field(vpsieapi.FormClientSecret, "clientSecret"), "is required")
	}
	idOK := subtle.ConstantTimeCompare([]byte(clientID), []byte(s.cfg.ClientID)) == 1
	secretOK := subtle.ConstantTimeCompare([]byte(clientSecret), []byte(s.cfg.ClientSecret)) == 1
	if !idOK || !secretOK {
		return issued{}, errUnauthorized(vpsieapi.ReasonInvalidCredentials, "invalid client credentials")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	ttl := s.cfg.TokenTTL
	if s.faults.TokenTTL > 0 {
		ttl = s.faults.TokenTTL.D()
	}
	s.pruneTokensLocked(now)
	access := newToken()
	s.tokens[access] = now.Add(ttl)
	s.dirty = true
	return issued{
		access:  vpsieapi.Token{Token: access, Expires: now.Add(ttl).UTC().Format(time.RFC3339)},
		refresh: vpsieapi.Token{Token: newToken(), Expires: now.Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)},
	}, nil
}

// pruneTokensLocked forgets tokens expired for a day, keeping recent ones so they still answer "expired".
func (s *Simulator) pruneTokensLocked(now time.Time) {
	for t, exp := range s.tokens {
		if now.Sub(exp) > 24*time.Hour {
			delete(s.tokens, t)
		}
	}
}

// authenticate checks the token sent in the one header the shape's clients send: "Authorization: Bearer <t>"
// on shape A's paths, "Vpsie-Auth: <t>" on shape B's. The other header is ignored, as a real server ignores
// headers it does not read, so a client that sends the wrong one is refused instead of passing here only.
// Tokens from either login are good on both shapes.
func (s *Simulator) authenticate(r *http.Request, sh shape) *apiError {
	token, aerr := tokenFrom(r, sh)
	if aerr != nil {
		return aerr
	}
	if slices.Contains(s.cfg.StaticTokens, token) {
		return nil
	}
	s.mu.Lock()
	exp, known := s.tokens[token]
	now := s.clock.Now()
	s.mu.Unlock()
	switch {
	case !known:
		return errUnauthorized(vpsieapi.ReasonUnauthorized, "invalid access token")
	case !now.Before(exp):
		return errUnauthorized(vpsieapi.ReasonTokenExpired, "access token expired")
	}
	return nil
}

// tokenFrom reads the access token from sh's auth header; the message names the header the path expects.
func tokenFrom(r *http.Request, sh shape) (string, *apiError) {
	if sh == shapeB {
		if t := r.Header.Get(vpsieapi.HeaderVpsieAuth); t != "" {
			return t, nil
		}
		return "", errUnauthorized(vpsieapi.ReasonUnauthorized, "missing access token in header "+
			vpsieapi.HeaderVpsieAuth)
	}
	h := r.Header.Get(vpsieapi.HeaderAuthorization)
	if len(h) > len(vpsieapi.BearerPrefix) && strings.EqualFold(h[:len(vpsieapi.BearerPrefix)], vpsieapi.BearerPrefix) {
		return h[len(vpsieapi.BearerPrefix):], nil
	}
	return "", errUnauthorized(vpsieapi.ReasonUnauthorized, "missing access token in header "+
		vpsieapi.HeaderAuthorization+" ("+strings.TrimSpace(vpsieapi.BearerPrefix)+")")
}

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
