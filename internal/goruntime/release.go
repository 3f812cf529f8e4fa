package goruntime

import (
	"context"
	"runtime/debug"

	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// syncWaiter is the part of the manager's cache ReleaseAfterSync needs.
type syncWaiter interface {
	WaitForCacheSync(ctx context.Context) bool
}

// ReleaseAfterSync returns, once, the memory the initial informer sync needed and no longer does. Decoding the
// cluster's objects peaks at about twice the cache they leave behind; without this the runtime keeps the freed
// pages (the collector's headroom sizes what it retains) and the resident set stays near the peak. It runs in
// every replica, leader or not: each fills the same cache.
func ReleaseAfterSync(caches syncWaiter) manager.Runnable {
	return &release{caches: caches, free: debug.FreeOSMemory}
}

type release struct {
	caches syncWaiter
	free   func()
}

func (r *release) Start(ctx context.Context) error {
	if r.caches.WaitForCacheSync(ctx) {
		r.free()
	}
	return nil
}

// NeedLeaderElection: a standby replica holds the same cache.
func (r *release) NeedLeaderElection() bool { return false }
