package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

func TestLoggerWritesOnlyEnabledLevelsInConfiguredFormat(t *testing.T) {
	tests := []struct {
		name       string
		cfg        config.LoggingConfig
		wantLines  int
		wantPrefix string
	}{
		{"info json drops debug", config.LoggingConfig{Level: config.LogLevelInfo, Format: config.LogFormatJSON}, 3, "{"},
		{"debug text keeps everything", config.LoggingConfig{Level: config.LogLevelDebug, Format: config.LogFormatText}, 4, "time="},
		{"warn keeps warn and error", config.LoggingConfig{Level: config.LogLevelWarn, Format: config.LogFormatJSON}, 2, "{"},
		{"error keeps error only", config.LoggingConfig{Level: config.LogLevelError, Format: config.LogFormatJSON}, 1, "{"},
		{"unknown level and format fall back to info json", config.LoggingConfig{Level: "loud", Format: "xml"}, 3, "{"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := NewLogger(tt.cfg, &buf)
			log.Debug("d")
			log.Info("i", "nodegroup", "ng-1")
			log.Warn("w")
			log.Error("e")
			lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if len(lines) != tt.wantLines {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), tt.wantLines, buf.String())
			}
			for _, l := range lines {
				if !strings.HasPrefix(l, tt.wantPrefix) {
					t.Errorf("line %q does not start with %q", l, tt.wantPrefix)
				}
			}
		})
	}
}

func TestLoggerLogsConfigurationAsNestedJSON(t *testing.T) {
	var buf bytes.Buffer
	NewLogger(config.Default().Logging, &buf).Info("starting", "config", config.Default())
	var line struct {
		Config struct {
			Controller struct {
				ClusterName   string `json:"clusterName"`
				LeaseDuration string `json:"leaseDuration"`
			} `json:"controller"`
			VPSie struct {
				RateLimitPerMinute int `json:"rateLimitPerMinute"`
			} `json:"vpsie"`
		} `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line is not JSON: %v\n%s", err, buf.String())
	}
	c := line.Config
	if c.Controller.ClusterName != "local" || c.Controller.LeaseDuration != "15s" || c.VPSie.RateLimitPerMinute != 100 {
		t.Errorf("unexpected logged config: %+v\n%s", c, buf.String())
	}
}
