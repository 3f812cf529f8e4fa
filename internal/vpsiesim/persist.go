package vpsiesim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// persisted is the JSON file at Config.StatePath. Faults, capacity and realism come from Config at every start and
// are not saved; the call log is not saved either, only its counts. Fields added later are optional, so files
// of the same version written before them still load.
type persisted struct {
	Version           int                  `json:"version"`
	SavedAt           time.Time            `json:"saved_at"`
	NextID            int64                `json:"next_id"`
	ListLookups       int64                `json:"list_lookups,omitempty"`
	VMs               []VMState            `json:"vms"`
	Deleted           []DeletedVM          `json:"deleted"`
	Tokens            map[string]time.Time `json:"tokens"`
	CallCounts        map[string]int       `json:"call_counts"`
	CreatesByHostname map[string]int       `json:"creates_by_hostname"`
}

const persistVersion = 1

// load reads Config.StatePath; a missing file is an empty cloud.
func (s *Simulator) load() error {
	b, err := os.ReadFile(s.cfg.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", s.cfg.StatePath, err)
	}
	var p persisted
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("decoding %s: %w", s.cfg.StatePath, err)
	}
	if p.Version != persistVersion {
		return fmt.Errorf("%s has version %d, want %d", s.cfg.StatePath, p.Version, persistVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
	s.nextID, s.deleted, s.lookups = p.NextID, p.Deleted, p.ListLookups
	for i := range p.VMs {
		vm := p.VMs[i]
		s.vms[vm.VM.ID] = &vm
		s.nextID = max(s.nextID, vm.VM.ID)
	}
	for k, v := range p.Tokens {
		s.tokens[k] = v
	}
	for k, v := range p.CallCounts {
		s.counts[k] = v
	}
	for k, v := range p.CreatesByHostname {
		s.creates[k] = v
	}
	s.dirty = false
	s.log.Info("state loaded", "path", s.cfg.StatePath, "vms", len(s.vms), "deleted", len(s.deleted))
	return nil
}

// Save writes the state to Config.StatePath now (a no-op without a path). The file is replaced atomically.
func (s *Simulator) Save() error {
	if s.cfg.StatePath == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	p := persisted{Version: persistVersion, SavedAt: s.clock.Now(), NextID: s.nextID, ListLookups: s.lookups,
		Deleted: s.deleted, Tokens: s.tokens, CallCounts: s.counts, CreatesByHostname: s.creates}
	for _, id := range s.sortedIDs() {
		p.VMs = append(p.VMs, *s.vms[id])
	}
	// Encode under the lock: p shares maps and slices with the live state.
	b, err := json.MarshalIndent(p, "", "  ")
	s.dirty = false
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := writeFileAtomic(s.cfg.StatePath, b); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return err
	}
	return nil
}

func (s *Simulator) saveIfDirty() error {
	s.mu.Lock()
	dirty := s.dirty
	s.mu.Unlock()
	if !dirty {
		return nil
	}
	return s.Save()
}

func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("creating temp state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	// Sync before the rename: otherwise a crash can leave the new name pointing at an empty or partial file.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("syncing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename in dir durable. It is best effort: the new file is already in place, and some
// platforms and file systems cannot sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	_ = d.Sync()
}
