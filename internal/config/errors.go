package config

import "fmt"

// FieldError is one problem with one field. Load and Validate return all of them together with errors.Join;
// use errors.As or the Unwrap() []error of the joined error to inspect them.
type FieldError struct {
	// Path is the field's YAML path, e.g. "temporal.taskQueue".
	Path string
	// Source says where a value that could not be read came from ("file x.yaml", "env VPSIE_X", "flag --x");
	// empty when the merged configuration is invalid.
	Source string
	// Problem says what is wrong, e.g. "must be between 1 and 10000, got 0".
	Problem string
}

func (e *FieldError) Error() string {
	if e.Source != "" {
		return fmt.Sprintf("%s (%s): %s", e.Path, e.Source, e.Problem)
	}
	return e.Path + ": " + e.Problem
}
