package testenv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"testing"
)

// RunMain is a TestMain body: it starts one control plane for the package,
// runs the tests and stops it. Without binaries the package is skipped,
// except under CI where missing binaries are an error.
func RunMain(m *testing.M, env **Env) int {
	e, err := Start()
	if errors.Is(err, ErrNoAssets) && os.Getenv("CI") == "" {
		fmt.Fprintln(os.Stderr, "skipping integration tests:", err)
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*env = e
	code := m.Run()
	if err := e.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping envtest:", err)
	}
	return code
}

func readAll(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	b, err := io.ReadAll(r)
	return string(b), err
}
