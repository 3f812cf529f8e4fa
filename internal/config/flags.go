package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The configuration file itself is named by a flag or environment variable outside the field tree.
const (
	configFlag = "config"
	configEnv  = "VPSIE_CONFIG"
)

// commandLine holds parsed flags as text: they are applied after the file and the environment, which are
// read only once --config is known.
type commandLine struct {
	config    string
	configSet bool
	settings  []setting
}

type setting struct {
	node *node
	text string
}

func parseFlags(args []string) (*commandLine, error) {
	cl := &commandLine{}
	fs := flag.NewFlagSet("vpsie-autoscaler", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // load prints usage itself, and only for --help
	fs.Usage = func() {}
	fs.Func(configFlag, "", func(path string) error {
		cl.config, cl.configSet = path, true
		return nil
	})
	for _, n := range leaves() {
		fs.Var(&flagValue{node: n, cl: cl}, n.flag, n.doc)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("parsing flags: %w", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("parsing flags: unexpected argument %q", fs.Arg(0))
	}
	return cl, nil
}

func (cl *commandLine) configPath(lookupEnv func(string) (string, bool)) string {
	if cl.configSet {
		return cl.config
	}
	path, _ := lookupEnv(configEnv)
	return path
}

// apply sets flags in command-line order, so a repeated flag's last value wins.
func (cl *commandLine) apply(cfg *Config) []error {
	var errs []error
	for _, s := range cl.settings {
		if err := s.node.set(cfg, s.text); err != nil {
			errs = append(errs, &FieldError{s.node.path, "flag --" + s.node.flag, err.Error()})
		}
	}
	return errs
}

// flagValue records the raw text; parsing waits for apply so every bad flag is reported, not just the first.
type flagValue struct {
	node *node
	cl   *commandLine
}

func (f *flagValue) String() string { return "" }

func (f *flagValue) Set(text string) error {
	f.cl.settings = append(f.cl.settings, setting{f.node, text})
	return nil
}

func (f *flagValue) IsBoolFlag() bool { return f.node != nil && f.node.kind == kindBool }

// Usage writes the help text: every flag with its environment variable, default and documentation.
func Usage(w io.Writer) {
	defaults := Default()
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s [flags]\n\n", filepath.Base(os.Args[0]))
	b.WriteString("Configuration comes from defaults, then the YAML file named by --config, then VPSIE_* environment\n" +
		"variables, then flags; each overrides the one before. Durations are Go durations such as 30s or 5m.\n\n")
	fmt.Fprintf(&b, "  --%s path\n        YAML configuration file; unknown keys are an error. (env %s)\n", configFlag, configEnv)
	for _, n := range leaves() {
		fmt.Fprintf(&b, "  --%s %s\n        %s (env %s, default %q)\n",
			n.flag, n.typeName(), n.description(), n.env, n.format(defaults))
	}
	_, _ = io.WriteString(w, b.String())
}

// description is the field's documentation with what the tree knows about it appended.
func (n *node) description() string {
	d := n.doc
	if a := n.allowed(); a != nil {
		d += " One of: " + strings.Join(a, ", ") + "."
	}
	if n.file {
		d += " The file must exist when set."
	}
	return d
}
