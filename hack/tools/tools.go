//go:build tools

// Package tools pins the developer tools (CRD generator, linter) that the
// Makefile builds into bin/; keeping them here keeps the main go.mod lean.
package tools

import (
	_ "honnef.co/go/tools/cmd/staticcheck"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
