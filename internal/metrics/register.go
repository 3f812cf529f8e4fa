package metrics

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register registers c on reg, or returns the collector of the same name registered first.
func Register[T prometheus.Collector](reg prometheus.Registerer, c T) (T, error) {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	switch {
	case errors.As(err, &are):
		existing, ok := are.ExistingCollector.(T)
		if !ok {
			return c, fmt.Errorf("registering metrics: a collector of another type has the name: %w", err)
		}
		return existing, nil
	case err != nil:
		return c, fmt.Errorf("registering metrics: %w", err)
	}
	return c, nil
}
