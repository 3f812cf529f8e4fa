package cloudinit

import (
	"context"
	"fmt"
	"io"
	"text/template"

	"github.com/vpsie/vpsie-autoscaler/workflows/contract"
)

// LabelTemplate marks a ConfigMap as a user data template the autoscaler may render: a
// template is rendered with a join token, so an arbitrary ConfigMap of the namespace is not
// one (the operator opts a ConfigMap in).
const LabelTemplate = "autoscaler.vpsie.com/user-data-template"

// Size limits: a template (inline or ConfigMap) and the user data it renders.
const (
	MaxTemplateBytes = 32 << 10
	MaxUserDataBytes = 64 << 10
)

// source is the template text of a node: the NodeGroup's inline template, else its
// ConfigMap's, else the default.
func (r *Renderer) source(ctx context.Context, t contract.NodeTemplate) (string, error) {
	text := defaultTemplate
	switch {
	case t.CloudInitTemplate != "":
		text = t.CloudInitTemplate
	case t.UserDataTemplate != "":
		var err error
		if text, err = r.template(ctx, t.UserDataTemplate); err != nil {
			return "", err
		}
	}
	if len(text) > MaxTemplateBytes {
		return "", configError(ReasonUserDataTemplateInvalid, "user data template %s is %d bytes, more than %d", describe(t),
			len(text), MaxTemplateBytes)
	}
	return text, nil
}

// describe names a node's template in errors.
func describe(t contract.NodeTemplate) string {
	switch {
	case t.CloudInitTemplate != "":
		return "spec.cloudInitTemplate of NodeGroup " + t.NodeGroup
	case t.UserDataTemplate != "":
		return "ConfigMap " + t.UserDataTemplate
	}
	return "default"
}

func parse(text string) (*template.Template, error) {
	return template.New("user-data").Option("missingkey=error").Funcs(funcs).Parse(text)
}

// Check renders a template with placeholder values of every built-in variable and the
// group's variables, so a template that names a variable nobody sets, or does not
// parse, is refused before any node boots with it (the admission webhook calls it; the
// NodeGroup's status and the planners use CheckBootstrap, which also reads ConfigMaps and
// key Secrets).
func Check(text string, variables map[string]string) error {
	if len(text) > MaxTemplateBytes {
		return fmt.Errorf("%d bytes, more than %d", len(text), MaxTemplateBytes)
	}
	tmpl, err := parse(text)
	if err != nil {
		return err
	}
	r := &Renderer{}
	v := r.vars("node-0", contract.Placement{OfferingID: "offering", DatacenterID: "datacenter"},
		contract.NodeTemplate{NodeGroup: "group", KubernetesVersion: "v1.36.0", Variables: variables})
	v.APIServerEndpoint, v.Token, v.CACertHash, v.InstallScript = "endpoint", "token", "hash", "install"
	return tmpl.Execute(io.Discard, v)
}
