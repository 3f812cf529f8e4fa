package vpsiesim

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Simulator is one in-memory VPSie cloud. All state sits behind mu; HTTP handlers, the lifecycle loop and the
// admin API share it.
type Simulator struct {
	cfg   Config
	log   *slog.Logger
	clock clock.WithTicker

	mu       sync.Mutex
	rng      *rand.Rand
	faults   Faults
	realism  Realism
	capacity map[string]Capacity
	vms      map[int64]*VMState
	deleted  []DeletedVM
	nextID   int64
	lookups  int64                // VM list requests served, the clock of Realism.ListingLagLookups
	tokens   map[string]time.Time // access token -> expiry
	calls    []Call
	counts   map[string]int // operation -> calls
	creates  map[string]int // hostname -> VMs created
	dirty    bool

	saveMu   sync.Mutex    // serialises writers of StatePath
	kick     chan struct{} // wakes the node reconciler after a change
	stopped  chan struct{} // closed when Run returns: releases hanging requests
	stopOnce sync.Once
}

// New builds a simulator from cfg, loading cfg.StatePath if it exists.
func New(cfg Config) (*Simulator, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("invalid simulator config: %w", err)
	}
	s := &Simulator{
		cfg: cfg, log: cfg.Logger.With("component", "vpsie-sim"), clock: cfg.Clock,
		rng: newRNG(cfg.seed()), faults: cfg.Faults, realism: cfg.Realism, capacity: maps.Clone(cfg.Capacity),
		kick: make(chan struct{}, 1), stopped: make(chan struct{}),
	}
	s.resetLocked()
	if cfg.StatePath != "" {
		if err := s.load(); err != nil {
			return nil, fmt.Errorf("loading simulator state: %w", err)
		}
	}
	return s, nil
}

// seed is what the RNG starts from: a non-zero seed in the start-up faults wins over Seed, as it does when the
// same faults are set with SetFaults.
func (c *Config) seed() int64 {
	if c.Faults.Seed != 0 {
		return c.Faults.Seed
	}
	return c.Seed
}

func newRNG(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x5eed)) }

// resetLocked forgets every VM, token and call; config-derived settings stay.
func (s *Simulator) resetLocked() {
	s.vms, s.deleted, s.nextID, s.lookups = map[int64]*VMState{}, nil, 0, 0
	s.tokens, s.calls = map[string]time.Time{}, nil
	s.counts, s.creates = map[string]int{}, map[string]int{}
	s.dirty = true
}

// Reset is POST /admin/reset: VMs (and so their Nodes), deleted VMs, tokens and the call log are dropped; faults,
// capacity and realism go back to Config.
func (s *Simulator) Reset() {
	s.mu.Lock()
	s.resetLocked()
	s.faults, s.realism = s.cfg.Faults, s.cfg.Realism
	s.capacity = maps.Clone(s.cfg.Capacity)
	s.rng = newRNG(s.cfg.seed())
	s.mu.Unlock()
	s.changed()
}

// changed wakes the node reconciler; it never blocks, so it is safe under s.mu.
func (s *Simulator) changed() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run drives the lifecycle (boots, notices, deletions), Node registration and persistence until ctx is done, then
// saves state one last time and releases hanging requests.
func (s *Simulator) Run(ctx context.Context) error {
	defer s.stopOnce.Do(func() { close(s.stopped) })
	tick := s.clock.NewTicker(s.cfg.TickInterval)
	defer tick.Stop()
	var lastSave, lastSync time.Time
	for {
		select {
		case <-ctx.Done():
			return s.saveIfDirty()
		case <-s.kick:
			s.syncNodes(ctx)
			lastSync = s.clock.Now()
		case now := <-tick.C():
			s.advance(now)
			if now.Sub(lastSync) >= s.cfg.NodeSyncInterval {
				s.syncNodes(ctx)
				lastSync = now
			}
			if now.Sub(lastSave) >= s.cfg.SaveInterval {
				if err := s.saveIfDirty(); err != nil {
					s.log.Error("saving state", "path", s.cfg.StatePath, "err", err)
				}
				lastSave = now
			}
		}
	}
}

// advance applies every lifecycle transition due at now.
func (s *Simulator) advance(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanceLocked(now)
}
