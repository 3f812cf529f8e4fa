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

// authenticate accepts either shape's header on every path: "Authorization: Bearer <t>" or "Vpsie-Auth: <t>".
func (s *Simulator) authenticate(r *http.Request) *apiError {
	token := r.Header.Get(vpsieapi.HeaderVpsieAuth)
	if h := r.Header.Get(vpsieapi.HeaderAuthorization); token == "" && len(h) > len(vpsieapi.BearerPrefix) &&
		strings.EqualFold(h[:len(vpsieapi.BearerPrefix)], vpsieapi.BearerPrefix) {
		token = h[len(vpsieapi.BearerPrefix):]
	}
	if token == "" {
		return errUnauthorized(vpsieapi.ReasonUnauthorized, "missing access token")
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

func newToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
