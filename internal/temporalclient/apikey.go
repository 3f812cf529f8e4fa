package temporalclient

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// apiKeyFile serves the key in a file, re-reading it only when the file changes. The key
// is never logged and never part of an error message.
type apiKeyFile struct {
	path string

	mu      sync.Mutex
	key     string
	modTime time.Time
	size    int64
}

// newAPIKeyFile reads the key once so a missing or empty file fails at start-up.
func newAPIKeyFile(path string) (*apiKeyFile, error) {
	f := &apiKeyFile{path: path}
	if _, err := f.get(context.Background()); err != nil {
		return nil, err
	}
	return f, nil
}

// get is called before every request; a stat is cheap next to a network round trip.
func (f *apiKeyFile) get(context.Context) (string, error) {
	info, err := os.Stat(f.path)
	if err != nil {
		return "", fmt.Errorf("reading temporal api key file: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.key != "" && info.ModTime().Equal(f.modTime) && info.Size() == f.size {
		return f.key, nil
	}
	raw, err := os.ReadFile(f.path)
	if err != nil {
		return "", fmt.Errorf("reading temporal api key file: %w", err)
	}
	key := strings.TrimSpace(string(raw))
	if key == "" {
		return "", errors.New("temporal api key file " + f.path + " is empty")
	}
	f.key, f.modTime, f.size = key, info.ModTime(), info.Size()
	return key, nil
}
