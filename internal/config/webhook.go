package config

import "strings"

// WebhookConfig configures the admission webhook server (internal/webhook). The webhook configurations that
// point the apiserver at it are in deploy/webhook.
type WebhookConfig struct {
	Enabled        bool   `json:"enabled" doc:"Serve the admission webhooks: the Node deletion guard, NodeGroup and VPSieNode validation and NodeGroup defaults."`
	Port           int    `json:"port" doc:"Port the webhook server listens on (TLS, every interface)."`
	CertDir        string `json:"certDir" doc:"Directory holding the serving certificate as tls.crt and tls.key (a mounted kubernetes.io/tls Secret); a rotated pair is served without a restart."`
	ServiceAccount string `json:"serviceAccount" doc:"Name of the autoscaler's ServiceAccount in controller.namespace; the Node deletion guard lets it delete only Nodes labelled autoscaler.vpsie.com/managed=true."`
	ExemptUsers    string `json:"exemptUsers" doc:"Comma-separated user names that may delete Nodes the autoscaler does not manage (never control-plane Nodes)."`
	ExemptGroups   string `json:"exemptGroups" doc:"Comma-separated groups whose members may delete Nodes the autoscaler does not manage (never control-plane Nodes)."`
}

// List splits a comma-separated list field into its trimmed entries.
func List(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func (v *validator) webhook() {
	w := &v.c.Webhook
	if !w.Enabled {
		return
	}
	v.between(&w.Port, 1, 65535)
	v.required(&w.CertDir)
	v.dnsSubdomain(&w.ServiceAccount)
	for _, p := range []*string{&w.ExemptUsers, &w.ExemptGroups} {
		if strings.TrimSpace(*p) != "" && len(List(*p)) != len(strings.Split(*p, ",")) {
			v.fail(p, "must be a comma-separated list without empty entries, got %q", *p)
		}
	}
}
