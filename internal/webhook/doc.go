// Package webhook is the autoscaler's admission server: a guard on Node deletion,
// validation of NodeGroups and VPSieNodes beyond their CRD schema, and defaulting
// of NodeGroups, served over TLS with request hygiene (body limit, content type,
// timeouts) and a serving certificate that is reloaded when it rotates on disk.
package webhook
