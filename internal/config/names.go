package config

import (
	"strings"
	"unicode"
)

// envName and flagName derive a field's bindings mechanically from its YAML path:
// vpsie.baseURL becomes VPSIE_VPSIE_BASE_URL and --vpsie.base-url.
func envName(segments []string) string {
	parts := []string{"VPSIE"}
	for _, s := range segments {
		parts = append(parts, strings.ToUpper(strings.Join(words(s), "_")))
	}
	return strings.Join(parts, "_")
}

func flagName(segments []string) string {
	parts := make([]string, len(segments))
	for i, s := range segments {
		parts[i] = strings.ToLower(strings.Join(words(s), "-"))
	}
	return strings.Join(parts, ".")
}

// words splits a camelCase key, keeping acronyms whole: leaderElectionID -> leader, Election, ID;
// allowInsecureHTTP -> allow, Insecure, HTTP.
func words(s string) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		if !unicode.IsUpper(rs[i]) {
			continue
		}
		afterLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
		endsAcronym := i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])
		if afterLower || endsAcronym {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}
