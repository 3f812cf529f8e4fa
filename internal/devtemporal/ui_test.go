package devtemporal

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTemporalDevServerServesWebUI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{DBFile: MemoryDB, Namespaces: []string{"default", "second"}, LogLevel: slog.LevelWarn})
	if err != nil {
		t.Fatalf("starting dev server: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stopping: %v", err)
		}
	})

	tests := []struct {
		path     string
		contains []string
	}{
		{path: "/", contains: []string{"<html"}},
		// The API goes through the UI server to the frontend, proving the gRPC wiring.
		{path: "/api/v1/namespaces", contains: []string{`"default"`, `"second"`}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			body := get(ctx, t, s.UIURL()+tt.path)
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s: body lacks %s:\n%.500s", tt.path, want, body)
				}
			}
		})
	}
}

func get(ctx context.Context, t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading %s: %v", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %.300s", url, resp.StatusCode, body)
	}
	return string(body)
}
