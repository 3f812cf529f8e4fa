// Package config is the autoscaler's one typed configuration: defaults, overlaid by a YAML file (--config),
// then VPSIE_* environment variables, then flags, validated as a whole. Names, environment variables, flags and
// documentation all derive from the struct tags in config.go, so adding a field there is the only step.
package config

//go:generate go run ./gen -root ../..
