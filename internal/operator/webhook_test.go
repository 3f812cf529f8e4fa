package operator

import (
	"strings"
	"testing"

	"github.com/go-logr/logr"

	"github.com/vpsie/vpsie-autoscaler/internal/config"
)

func TestWebhookIsAddedOnlyWhenEnabled(t *testing.T) {
	cfg := config.Default()
	// Disabled (the default), the manager is not even looked at.
	if err := addWebhook(nil, cfg, Deps{Logger: logr.Discard()}); err != nil {
		t.Fatalf("disabled: %v", err)
	}
	// Enabled, a missing certificate fails start-up, naming the directory.
	cfg.Webhook.Enabled, cfg.Webhook.CertDir = true, t.TempDir()
	err := addWebhook(nil, cfg, Deps{Logger: logr.Discard()})
	if err == nil || !strings.Contains(err.Error(), cfg.Webhook.CertDir) {
		t.Fatalf("enabled without a certificate: %v", err)
	}
}

func TestWebhookCatalogueIsNotLoadedUntilRead(t *testing.T) {
	var c webhookCatalogue
	if _, ok := c.Snapshot(); ok {
		t.Error("a catalogue that was never read reports loaded")
	}
}
