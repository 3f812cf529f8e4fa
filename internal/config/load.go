package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// Load builds the configuration from defaults, the YAML file named by --config (or $VPSIE_CONFIG), VPSIE_*
// environment variables read through lookupEnv (nil means none) and args (flags, without the program name),
// each overriding the one before, and validates the result. Every problem found is returned together as
// errors.Join of *FieldError. With --help or -h it prints usage to stdout and returns flag.ErrHelp.
func Load(args []string, lookupEnv func(string) (string, bool)) (*Config, error) {
	return load(args, lookupEnv, os.Stdout)
}

func load(args []string, lookupEnv func(string) (string, bool), help io.Writer) (*Config, error) {
	cl, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		Usage(help)
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	cfg := Default()
	var errs []error
	if path := cl.configPath(lookupEnv); path != "" {
		fileErrs, err := applyFile(cfg, path)
		if err != nil {
			return nil, err
		}
		errs = append(errs, fileErrs...)
	}
	errs = append(errs, applyEnv(cfg, lookupEnv)...)
	errs = append(errs, cl.apply(cfg)...)
	return cfg, joinWithValidation(cfg, errs)
}

// joinWithValidation adds the validation problems of fields that were read without error, so a value that
// could not be parsed is not reported a second time for the default it left behind.
func joinWithValidation(cfg *Config, readErrs []error) error {
	unreadable := map[string]bool{}
	for _, err := range readErrs {
		unreadable[err.(*FieldError).Path] = true
	}
	errs := readErrs
	for _, err := range cfg.problems() {
		if !unreadable[err.(*FieldError).Path] {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// applyFile overlays a YAML file. A file that cannot be read or parsed (or repeats a key) is returned as err;
// unknown keys and values of the wrong type are returned together as field errors.
func applyFile(cfg *Config, path string) (fieldErrs []error, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config file: %w", err)
	}
	var doc map[string]any
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing config file %s: %w", path, err)
	}
	return applyYAML(cfg, root(), doc, "file "+path), nil
}

// applyYAML sets the fields of group present in doc, in field order, then reports keys it does not know.
func applyYAML(cfg *Config, group *node, doc map[string]any, source string) []error {
	var errs []error
	for _, n := range group.children {
		value, ok := doc[n.name]
		switch {
		case !ok || value == nil: // "key:" with nothing after it keeps the value from before
		case n.kind == kindGroup:
			m, ok := value.(map[string]any)
			if !ok {
				errs = append(errs, &FieldError{n.path, source, "must be a mapping, got " + describe(value)})
				continue
			}
			errs = append(errs, applyYAML(cfg, n, m, source)...)
		default:
			text, err := n.yamlText(value)
			if err == nil {
				err = n.set(cfg, text)
			}
			if err != nil {
				errs = append(errs, &FieldError{n.path, source, err.Error()})
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		if group.child(key) == nil {
			errs = append(errs, unknownKey(group, key, source))
		}
	}
	return errs
}

func unknownKey(group *node, key, source string) error {
	path := strings.TrimPrefix(group.path+"."+key, ".")
	problem := "unknown field"
	for _, c := range group.children {
		if strings.EqualFold(c.name, key) {
			problem += fmt.Sprintf("; did you mean %q?", c.name)
		}
	}
	return &FieldError{path, source, problem}
}
