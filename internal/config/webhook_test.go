package config

import (
	"slices"
	"strings"
	"testing"
)

func TestWebhookValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   []string
	}{
		{"a disabled webhook is not checked", func(c *Config) { c.Webhook.Port, c.Webhook.CertDir = 0, "" }, nil},
		{"an enabled webhook with the defaults is valid", func(c *Config) { c.Webhook.Enabled = true }, nil},
		{"exempt lists may be spaced", func(c *Config) {
			c.Webhook.Enabled, c.Webhook.ExemptUsers, c.Webhook.ExemptGroups = true, "alice, bob", "system:masters"
		}, nil},
		{"an enabled webhook needs a port, a certificate directory and a service account", func(c *Config) {
			c.Webhook.Enabled, c.Webhook.Port, c.Webhook.CertDir, c.Webhook.ServiceAccount = true, 70000, "", "Not_A_Name"
		}, []string{
			"webhook.port: must be between 1 and 65535, got 70000",
			"webhook.certDir: must not be empty",
			`webhook.serviceAccount: must be a DNS-1123 subdomain (at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit), got "Not_A_Name"`,
		}},
		{"exempt lists have no empty entries", func(c *Config) {
			c.Webhook.Enabled, c.Webhook.ExemptUsers, c.Webhook.ExemptGroups = true, "alice,,bob", "admins,"
		}, []string{
			`webhook.exemptUsers: must be a comma-separated list without empty entries, got "alice,,bob"`,
			`webhook.exemptGroups: must be a comma-separated list without empty entries, got "admins,"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			tt.mutate(cfg)
			if got := messages(t, cfg.Validate()); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

func TestListSplitsAndTrims(t *testing.T) {
	if got := List(" alice , bob,"); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("got %q", got)
	}
	if got := List(""); got != nil {
		t.Errorf("got %q", got)
	}
}
