package operator

import (
	"crypto/sha256"
	"encoding/json"
	"sync"
)

// shareLimit bounds the table of shared values. Pods of one Deployment share one entry
// per part, so a cluster has about as many entries as workloads; past the limit the table
// starts over (pods already cached keep what they share, new ones share afresh), which
// bounds what the table itself keeps alive after its pods are gone.
const shareLimit = 4096

// sharer hands out one canonical copy of equal values (by their JSON, which is what
// they mean to the API), so the cache's 10 000 replicas of a few Deployments hold a few
// copies of their containers, tolerations and labels instead of one each.
//
// The shared values are the cache's: like every cached object they are read, never
// written (see internal/clusterview's package doc); a DeepCopy gets its own.
type sharer struct {
	mu   sync.Mutex
	seen map[[sha256.Size]byte]any
}

func newSharer() *sharer { return &sharer{seen: map[[sha256.Size]byte]any{}} }

// share returns the canonical value equal to v under kind (kinds keep equal JSON of
// different Go types apart), making v canonical when it is the first. A value that does
// not marshal is kept as it is.
func share[T any](s *sharer, kind string, v T) T {
	data, err := json.Marshal(v)
	if err != nil {
		return v
	}
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(data)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	s.mu.Lock()
	defer s.mu.Unlock()
	if got, ok := s.seen[key].(T); ok {
		return got
	}
	if len(s.seen) >= shareLimit {
		clear(s.seen)
	}
	s.seen[key] = v
	return v
}
