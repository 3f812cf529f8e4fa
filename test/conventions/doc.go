// Package conventions checks repository rules that no compiler enforces: a
// main go.mod without replace directives, a doc.go in every package, and CI
// calling exactly the test command the README names.
package conventions
