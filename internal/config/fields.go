package config

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// node is one entry of the configuration tree derived from Config's struct tags: a group (a nested struct) or a
// leaf field. Loading, validation, help, LogValue and the generated documentation all walk this one tree.
type node struct {
	name     string // YAML key, e.g. "caFile"
	path     string // dotted YAML path, e.g. "temporal.tls.caFile"
	env      string // e.g. VPSIE_TEMPORAL_TLS_CA_FILE
	flag     string // without dashes, e.g. temporal.tls.ca-file
	doc      string
	index    []int // reflect field index from Config
	typ      reflect.Type
	kind     kind
	file     bool // a path that must exist when set
	children []*node
}

type kind int

const (
	kindGroup kind = iota
	kindString
	kindBool
	kindInt
	kindDuration
)

// root and leaves are built once; a malformed tag panics, which every test run catches.
var (
	root   = sync.OnceValue(func() *node { return build(reflect.TypeFor[Config](), nil, nil) })
	leaves = sync.OnceValue(func() []*node { return collectLeaves(root(), nil) })
)

func build(t reflect.Type, index []int, segments []string) *node {
	n := &node{typ: t, index: index, kind: kindGroup}
	if len(segments) > 0 {
		n.name = segments[len(segments)-1]
		n.path = strings.Join(segments, ".")
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		doc := sf.Tag.Get("doc")
		if name == "" || doc == "" {
			panic(fmt.Sprintf("config: field %s.%s needs json and doc tags", t.Name(), sf.Name))
		}
		childSegments := append(segments[:len(segments):len(segments)], name)
		childIndex := append(index[:len(index):len(index)], i)
		var child *node
		if k := kindOf(sf.Type); k == kindGroup {
			child = build(sf.Type, childIndex, childSegments)
		} else {
			child = &node{name: name, path: strings.Join(childSegments, "."), index: childIndex, typ: sf.Type, kind: k,
				env: envName(childSegments), flag: flagName(childSegments), file: sf.Tag.Get("file") == "true"}
		}
		child.doc = doc
		n.children = append(n.children, child)
	}
	return n
}

func collectLeaves(n *node, out []*node) []*node {
	for _, c := range n.children {
		if c.kind == kindGroup {
			out = collectLeaves(c, out)
		} else {
			out = append(out, c)
		}
	}
	return out
}

func kindOf(t reflect.Type) kind {
	switch {
	case t == reflect.TypeFor[time.Duration]():
		return kindDuration
	case t.Kind() == reflect.Struct:
		return kindGroup
	case t.Kind() == reflect.String:
		return kindString
	case t.Kind() == reflect.Bool:
		return kindBool
	case t.Kind() == reflect.Int:
		return kindInt
	}
	panic(fmt.Sprintf("config: unsupported field type %s", t))
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) value(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(n.index)
}

// allowed returns the values of an enum field, nil for free-form fields.
func (n *node) allowed() []string {
	if e, ok := reflect.Zero(n.typ).Interface().(enum); ok {
		return e.allowed()
	}
	return nil
}

// set parses text, as written in an environment variable or flag, into the field.
func (n *node) set(c *Config, text string) error {
	v := n.value(c)
	switch n.kind {
	case kindBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return fmt.Errorf("invalid boolean %q, want true or false", text)
		}
		v.SetBool(b)
	case kindInt:
		i, err := strconv.Atoi(text)
		if err != nil {
			return fmt.Errorf("invalid integer %q", text)
		}
		v.SetInt(int64(i))
	case kindDuration:
		d, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Errorf("invalid duration %q, want a Go duration such as \"30s\" or \"5m\"", text)
		}
		v.SetInt(int64(d))
	default:
		v.SetString(text)
	}
	return nil
}

// format is the inverse of set, with durations in their shortest form ("10m", not "10m0s").
func (n *node) format(c *Config) string {
	v := n.value(c)
	switch n.kind {
	case kindBool:
		return strconv.FormatBool(v.Bool())
	case kindInt:
		return strconv.FormatInt(v.Int(), 10)
	case kindDuration:
		return shortDuration(time.Duration(v.Int()))
	default:
		return v.String()
	}
}

func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// yamlText turns a decoded YAML scalar into the text set expects, refusing scalars of the wrong YAML type
// (a quoted "true" for a boolean, a bare 30 for a duration).
func (n *node) yamlText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if n.kind == kindString || n.kind == kindDuration {
			return x, nil
		}
	case bool:
		if n.kind == kindBool {
			return strconv.FormatBool(x), nil
		}
	case float64:
		if n.kind == kindInt && x == math.Trunc(x) {
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		}
	}
	return "", fmt.Errorf("must be %s, got %s", n.kind.want(), describe(v))
}

func (k kind) want() string {
	switch k {
	case kindBool:
		return "true or false"
	case kindInt:
		return "an integer"
	case kindDuration:
		return `a duration string such as "30s"`
	case kindGroup:
		return "a mapping"
	default:
		return "a string"
	}
}

// typeName is the value placeholder shown in help and documentation.
func (n *node) typeName() string {
	if a := n.allowed(); a != nil {
		return strings.Join(a, "|")
	}
	return [...]string{kindString: "string", kindBool: "bool", kindInt: "int", kindDuration: "duration"}[n.kind]
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case float64:
		return fmt.Sprintf("number %v", x)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}
