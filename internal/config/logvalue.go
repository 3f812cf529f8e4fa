package config

import "log/slog"

// LogValue renders the configuration as nested slog groups keyed by YAML names, durations as "30s". The
// configuration holds no secret values, so everything is logged.
func (c *Config) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("<nil>")
	}
	return groupValue(c, root())
}

func groupValue(c *Config, group *node) slog.Value {
	attrs := make([]slog.Attr, 0, len(group.children))
	for _, n := range group.children {
		switch n.kind {
		case kindGroup:
			attrs = append(attrs, slog.Attr{Key: n.name, Value: groupValue(c, n)})
		case kindBool:
			attrs = append(attrs, slog.Bool(n.name, n.value(c).Bool()))
		case kindInt:
			attrs = append(attrs, slog.Int64(n.name, n.value(c).Int()))
		default:
			attrs = append(attrs, slog.String(n.name, n.format(c)))
		}
	}
	return slog.GroupValue(attrs...)
}
