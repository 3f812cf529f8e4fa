// Package devtemporal runs a single-process Temporal server for local mode: SQLite
// persistence in one file, the default namespace pre-registered, and the Web UI served
// in-process. It is built from the public go.temporal.io/server packages because the
// CLI's dev server is internal; production always talks to an external cluster.
package devtemporal
