package vpsie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// maxBody caps how much of a response is read.
const maxBody = 10 << 20

// request is one API call. route is the template (metrics label, logs, errors); path is the concrete, escaped path.
type request struct {
	method string
	route  string
	path   string
	query  url.Values
	json   any        // JSON body
	form   url.Values // form body (login)
	login  bool       // no token; the server's message is dropped (it may echo credentials)
}

// do sends r once and decodes the answer into out. The client has no retry layer: Temporal's retry policy is the
// one retry layer, and a second one here would multiply requests and could resend a create. The one exception is
// a 401: the token was rejected, not the request, so it is sent again once with a fresh token.
func (c *Client) do(ctx context.Context, r request, out any) error {
	tok := ""
	if !r.login {
		var err error
		if tok, err = c.tokens.get(ctx); err != nil {
			return fmt.Errorf("vpsie %s %s: logging in: %w", r.method, r.route, err)
		}
	}
	err := c.send(ctx, r, tok, out)
	var apiErr *APIError
	if r.login || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		return err
	}
	c.log.Debug("vpsie api token rejected, logging in again", "endpoint", r.route)
	c.tokens.invalidate(tok)
	if tok, err = c.tokens.get(ctx); err != nil {
		return fmt.Errorf("vpsie %s %s: logging in again after 401: %w", r.method, r.route, err)
	}
	return c.send(ctx, r, tok, out)
}

// send is one HTTP exchange behind the breaker and the rate limiter.
func (c *Client) send(ctx context.Context, r request, tok string, out any) error {
	done, err := c.breaker.allow()
	if err != nil {
		return c.fail(r, &APIError{Kind: KindCircuitOpen, Err: err})
	}
	err = c.exchange(ctx, r, tok, out)
	done(err)
	return err
}

func (c *Client) exchange(ctx context.Context, r request, tok string, out any) error {
	if err := c.limiter.wait(ctx); err != nil {
		return fmt.Errorf("vpsie %s %s: waiting for rate limiter: %w", r.method, r.route, err)
	}
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := c.newHTTPRequest(actx, r, tok)
	if err != nil {
		return fmt.Errorf("vpsie %s %s: building request: %w", r.method, r.route, err)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.observe(r, "error", start)
		if ctx.Err() != nil { // the caller gave up: not an API failure
			return fmt.Errorf("vpsie %s %s: %w", r.method, r.route, ctx.Err())
		}
		return c.fail(r, &APIError{Kind: KindTransient, Err: err})
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.observe(r, strconv.Itoa(resp.StatusCode), start)
	// The caller giving up mid-body is not an API failure either; the body then ends in an error or, when the
	// stream is reset, early, so the context decides.
	if ctx.Err() != nil {
		return fmt.Errorf("vpsie %s %s: reading response body: %w", r.method, r.route, ctx.Err())
	}
	if err != nil || len(body) > maxBody {
		return c.fail(r, &APIError{Kind: KindTransient, StatusCode: resp.StatusCode,
			Err: errors.Join(errors.New("reading response body"), err)})
	}
	if derr := decodeResponse(resp.StatusCode, body, out); derr != nil {
		var apiErr *APIError
		errors.As(derr, &apiErr)
		apiErr.RetryAfter = parseRetryAfter(resp.Header.Get(vpsieapi.HeaderRetryAfter), time.Now())
		return c.fail(r, apiErr)
	}
	c.log.Debug("vpsie api call", "method", r.method, "endpoint", r.route, "code", resp.StatusCode,
		"duration", time.Since(start))
	return nil
}

func (c *Client) newHTTPRequest(ctx context.Context, r request, tok string) (*http.Request, error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.form != nil:
		body, contentType = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok != "" {
		if c.opts.AuthHeader == AuthVpsieAuth {
			req.Header.Set(vpsieapi.HeaderVpsieAuth, tok)
		} else {
			req.Header.Set(vpsieapi.HeaderAuthorization, vpsieapi.BearerPrefix+tok)
		}
	}
	return req, nil
}

func (c *Client) observe(r request, code string, start time.Time) {
	c.metrics.requests.WithLabelValues(r.method, r.route, code).Inc()
	c.metrics.duration.WithLabelValues(r.method, r.route).Observe(time.Since(start).Seconds())
}

// fail completes an *APIError with the call's identity, drops or cleans the server message, counts and logs it.
// A login names no resource, so its "not found" means a wrong login path or base URL: it becomes KindBadEndpoint,
// and a caller that reads ErrNotFound as "already gone" (DeleteVM) can never mistake a failed login for success.
func (c *Client) fail(r request, e *APIError) *APIError {
	if r.login && e.Kind == KindNotFound {
		e.Kind = KindBadEndpoint
	}
	e.Method, e.Endpoint = r.method, r.route
	e.Message = c.cleanMessage(r, e.Message)
	c.metrics.errors.WithLabelValues(e.Kind.String()).Inc()
	c.log.Debug("vpsie api call failed", "method", r.method, "endpoint", r.route, "code", e.StatusCode,
		"apiCode", e.Code, "kind", e.Kind.String())
	return e
}

// cleanMessage keeps a server message only where it cannot echo credentials, truncated, with the secret and the
// current token scrubbed in case a server reflects them anyway.
func (c *Client) cleanMessage(r request, msg string) string {
	if r.login || msg == "" {
		return ""
	}
	for _, s := range c.knownSecrets() {
		msg = strings.ReplaceAll(msg, s, redacted)
	}
	if t, _ := c.tokens.cached(); t != "" {
		msg = strings.ReplaceAll(msg, t, redacted)
	}
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}
