package config

import "testing"

func TestGeneratedFilesAreCurrent(t *testing.T) {
	for path, want := range map[string][]byte{ReferencePath: ReferenceMarkdown(), ExamplePath: ExampleYAML()} {
		if got := readModuleFile(t, path); string(got) != string(want) {
			t.Errorf("%s is stale: run `go run ./internal/config/gen` (or go generate ./internal/config)", path)
		}
	}
}
