package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/yaml"
)

// Formats -o accepts.
var formats = []string{"table", "wide", "json", "yaml"}

func checkFormat(f string) error {
	for _, ok := range formats {
		if f == ok {
			return nil
		}
	}
	return usageError("unknown output format %q: use one of %s", f, strings.Join(formats, ", "))
}

// table is rows of cells under a header; wide columns are shown with -o wide only.
type table struct {
	header []string
	wide   map[int]bool // column index → wide only
	rows   [][]string
}

func newTable(header ...string) *table { return &table{header: header, wide: map[int]bool{}} }

// wideFrom marks every column from index i on as wide only.
func (t *table) wideFrom(i int) *table {
	for j := i; j < len(t.header); j++ {
		t.wide[j] = true
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, wide bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	pick := func(cells []string) string {
		var out []string
		for i, c := range cells {
			if wide || !t.wide[i] {
				out = append(out, c)
			}
		}
		return strings.Join(out, "\t")
	}
	fmt.Fprintln(tw, pick(t.header))
	for _, r := range t.rows {
		fmt.Fprintln(tw, pick(r))
	}
	return tw.Flush()
}

// render writes v as JSON or YAML, or calls text for table and wide.
func (a *App) render(v any, text func(w io.Writer, wide bool) error) error {
	w := a.Streams.Out
	switch a.Output {
	case "json":
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return text(w, a.Output == "wide")
}

// ANSI colours, used only when App.colored.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// paint wraps s in colour c when colours are on.
func (a *App) paint(c, s string) string {
	if !a.colored() || s == "" {
		return s
	}
	return c + s + reset
}

func money(v float64) string { return fmt.Sprintf("$%.2f", v) }
