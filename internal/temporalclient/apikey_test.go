package temporalclient

import (
	"os"
	"testing"
	"time"
)

// writeFileAt rewrites path with an explicit modification time, so the test does not
// depend on the file system's timestamp granularity.
func writeFileAt(t *testing.T, path, content string, second int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2030, 1, 1, 0, 0, second, 0, time.UTC)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
}

func TestTemporalAPIKeyFileFollowsRotation(t *testing.T) {
	path := writeFile(t, "apikey", "")
	writeFileAt(t, path, "first\n", 1)
	key, err := newAPIKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		content string
		want    string
	}{
		{name: "reads the key and trims the newline", want: "first"},
		{name: "keeps serving the cached key while the file is unchanged", want: "first"},
		{name: "picks up a rotated key", content: "second", want: "second"},
	}
	for i, step := range steps {
		if step.content != "" {
			writeFileAt(t, path, step.content, 10+i)
		}
		got, err := key.get(t.Context())
		if err != nil || got != step.want {
			t.Fatalf("%s: got %q, %v; want %q", step.name, got, err, step.want)
		}
	}
}
