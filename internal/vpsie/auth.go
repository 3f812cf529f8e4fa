package vpsie

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// token is an access token and when it stops working. The value is never logged, printed or put in errors.
type token struct {
	value     string
	expires   time.Time
	refreshAt time.Time
}

// newToken schedules the refresh refreshBefore the expiry, but never earlier than half the lifetime: a token that
// lives less than refreshBefore would otherwise be refreshed on every call.
func newToken(value string, obtained, expires time.Time, refreshBefore time.Duration) token {
	at := expires.Add(-refreshBefore)
	if half := obtained.Add(expires.Sub(obtained) / 2); at.Before(half) {
		at = half
	}
	return token{value: value, expires: expires, refreshAt: at}
}

func (t token) fresh(now time.Time) bool { return t.value != "" && now.Before(t.refreshAt) }

// tokenSource caches the access token, refreshes it RefreshBefore its expiry, and makes concurrent callers share
// one login (singleflight).
type tokenSource struct {
	login func(context.Context) (token, error) // builds the token with newToken
	now   func() time.Time

	mu      sync.Mutex
	current token
	group   singleflight.Group
}

// get returns a valid access token, logging in when none is cached or it is about to expire.
func (s *tokenSource) get(ctx context.Context) (string, error) {
	if t, ok := s.cached(); ok {
		return t, nil
	}
	return s.refresh(ctx)
}

func (s *tokenSource) cached() (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current.value, s.current.fresh(s.now())
}

// invalidate drops the token a 401 was answered to. A token that was already replaced is left alone, so N
// concurrent 401s on one stale token cause one login, not N.
func (s *tokenSource) invalidate(stale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current.value == stale {
		s.current = token{}
	}
}

// refresh logs in once for all concurrent callers; each waits for that login, reporting "logging in" to its own
// wait observer.
func (s *tokenSource) refresh(ctx context.Context) (string, error) {
	ch := s.group.DoChan("login", func() (any, error) {
		// A flight that finished just before this one started already did the work (invalidate clears the
		// token a 401 rejected, so a fresh token here is a newer one).
		if t, ok := s.cached(); ok {
			return t, nil
		}
		// The shared login must not die with the first caller's context; it is bounded by the login call's own
		// per-attempt timeout instead. Each caller reports its own wait below, so the login reports none.
		t, err := s.login(withoutWaitObserver(context.WithoutCancel(ctx)))
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		s.current = t
		s.mu.Unlock()
		return t.value, nil
	})
	r, err := waitFor(ctx, waitLogin, ch)
	switch {
	case err != nil:
		return "", err
	case r.Err != nil:
		return "", r.Err
	}
	return r.Val.(string), nil
}
