package config

// applyEnv overlays every VPSIE_* variable that lookupEnv reports as set, even to an empty string.
func applyEnv(cfg *Config, lookupEnv func(string) (string, bool)) []error {
	var errs []error
	for _, n := range leaves() {
		text, ok := lookupEnv(n.env)
		if !ok {
			continue
		}
		if err := n.set(cfg, text); err != nil {
			errs = append(errs, &FieldError{n.path, "env " + n.env, err.Error()})
		}
	}
	return errs
}
