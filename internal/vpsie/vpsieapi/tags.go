package vpsieapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
)

// TagList is a VM's tags. It is written as strings, and read from strings or from tag objects
// ({"tag": ...} or {"name": ...}): the API's own Go client models detail tags as objects, and ownership
// decisions hang on these tags, so a differently spelled list must not read as "no tags".
type TagList []string

// UnmarshalJSON accepts null, an array of strings, or an array of tag objects; other elements are skipped.
func (t *TagList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*t = nil
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	out := make(TagList, 0, len(raw))
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, s)
			continue
		}
		var o struct {
			Tag  string `json:"tag"`
			Name string `json:"name"`
		}
		// Anything else names no tag; failing the whole VM over it would stall every lookup.
		if json.Unmarshal(r, &o) != nil {
			continue
		}
		if v := cmp.Or(o.Tag, o.Name); v != "" {
			out = append(out, v)
		}
	}
	*t = out
	return nil
}
