package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunRejectsInvalidConfigurationNamingEveryField(t *testing.T) {
	env := map[string]string{"VPSIE_VPSIE_RATE_LIMIT_PER_MINUTE": "0"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var stderr bytes.Buffer
	code := run([]string{"--temporal.task-queue="}, lookup, &stderr)
	if code != 2 {
		t.Fatalf("exit code = %d, want 2", code)
	}
	for _, want := range []string{"vpsie.rateLimitPerMinute", "temporal.taskQueue"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q does not name %s", stderr.String(), want)
		}
	}
}

func TestRunHelpExitsZero(t *testing.T) {
	var stderr bytes.Buffer
	if code := run([]string{"--help"}, func(string) (string, bool) { return "", false }, &stderr); code != 0 {
		t.Fatalf("exit code = %d, want 0", code)
	}
}
