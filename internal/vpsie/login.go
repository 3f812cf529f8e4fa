package vpsie

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// defaultTokenLifetime applies when the login response carries no parseable expiry (as the earlier client did).
const defaultTokenLifetime = time.Hour

// loginResponse reads both shapes' answers: shape A's top-level accessToken and shape B's token.access.
type loginResponse struct {
	vpsieapi.LoginResponseA
	Token vpsieapi.TokenPair `json:"token"`
}

// login exchanges the credentials for an access token. The body is built by url.Values or encoding/json only, so
// any byte in the secret round-trips; neither the body nor the server's message is ever logged or kept.
// It sends one request: a failed login fails the call that needed the token, and Temporal retries that call; a
// retry here would multiply the attempts (and outlive the caller, since the shared login ignores its
// cancellation).
func (c *Client) login(ctx context.Context) (token, error) {
	r := request{method: http.MethodPost, route: c.opts.LoginPath, path: c.opts.LoginPath, login: true}
	creds := c.loginCredentials(ctx)
	if c.opts.LoginEncoding == LoginForm {
		r.form = url.Values{
			vpsieapi.FormClientID:     {creds.ClientID},
			vpsieapi.FormClientSecret: {creds.ClientSecret.reveal()},
		}
	} else {
		r.json = vpsieapi.LoginRequest{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret.reveal()}
	}
	obtained := time.Now()
	var resp loginResponse
	if err := c.do(ctx, r, &resp); err != nil {
		c.log.Warn("vpsie login failed", "kind", KindOf(err).String(), "code", codeOf(err))
		return token{}, err
	}
	access := resp.AccessToken
	if access.Token == "" {
		access = resp.Token.Access
	}
	if access.Token == "" {
		return token{}, c.fail(r, &APIError{Kind: KindTransient, StatusCode: http.StatusOK, Err: errNoToken})
	}
	expires, skewed := tokenExpiry(access, obtained)
	if skewed {
		c.log.Warn("vpsie token expiry is not after the login by this machine's clock; clocks disagree, assuming "+
			"the default lifetime (a 401 still triggers a refresh)", "lifetime", defaultTokenLifetime)
	}
	c.log.Debug("vpsie login succeeded", "expires", expires)
	return newToken(access.Token, obtained, expires, c.opts.RefreshBefore), nil
}

// loginCredentials are the credentials to log in with: reloaded when the options say how, else (or when the
// reload fails) the last good ones. A reload error never carries the secret, so it may be logged.
func (c *Client) loginCredentials(ctx context.Context) Credentials {
	c.credsMu.Lock()
	defer c.credsMu.Unlock()
	if c.creds.ClientID == "" {
		c.creds = c.opts.Credentials
	}
	if c.opts.ReloadCredentials == nil {
		return c.creds
	}
	// The shared login outlives its callers' cancellation, so the reload gets its own bound.
	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	fresh, err := c.opts.ReloadCredentials(rctx)
	switch {
	case err != nil:
		c.log.Warn("vpsie credentials reload failed; using the last good ones", "error", err)
	case fresh.ClientID == "" || fresh.ClientSecret == "":
		c.log.Warn("vpsie credentials reload returned no client id or secret; using the last good ones")
	default:
		c.creds = fresh
	}
	return c.creds
}

// knownSecrets are the client secrets this client has used: the configured one and, after a rotation, the current.
func (c *Client) knownSecrets() []string {
	c.credsMu.Lock()
	defer c.credsMu.Unlock()
	var out []string
	for _, s := range []Secret{c.opts.Credentials.ClientSecret, c.creds.ClientSecret} {
		if v := s.reveal(); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// tokenExpiry is when a token obtained at obtained (our clock) stops working. The server states it in its own
// clock; an expiry that is not after the login can only mean our clock runs ahead, and taking it literally would
// log in before every call, so the default lifetime is assumed instead (skewed reports that).
func tokenExpiry(access vpsieapi.Token, obtained time.Time) (expires time.Time, skewed bool) {
	expires, ok := access.ExpiresAt()
	switch {
	case !ok:
		return obtained.Add(defaultTokenLifetime), false
	case !expires.After(obtained):
		return obtained.Add(defaultTokenLifetime), true
	}
	return expires, false
}

func codeOf(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}
