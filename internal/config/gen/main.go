// Command gen writes the configuration reference and the example configuration file from the field tree in
// internal/config, so neither can drift from the code.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

func main() {
	root := flag.String("root", ".", "module root the files are written under")
	flag.Parse()
	for path, content := range map[string][]byte{
		config.ReferencePath: config.ReferenceMarkdown(),
		config.ExamplePath:   config.ExampleYAML(),
	} {
		full := filepath.Join(*root, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			log.Fatalf("creating directory for %s: %v", path, err)
		}
		if err := os.WriteFile(full, content, 0o644); err != nil {
			log.Fatalf("writing %s: %v", path, err)
		}
	}
}
