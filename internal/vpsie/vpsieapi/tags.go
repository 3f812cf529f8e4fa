package vpsieapi

import (
	"cmp"
	"encoding/json"
	"strings"
)

// TagList is a VM's tags. It is written as strings and read leniently: an array of strings or of tag objects
// ({"tag"|"name"|"tagName"|"tag_name"|"value": ...}; the API's own Go client leaves the detail's tag type open), or
// one comma-separated string. Ownership decisions hang on these tags, and an unreadable tags field must not make
// the whole VM, and so every lookup, undecodable: what cannot be read is skipped.
type TagList []string

// UnmarshalJSON never fails: see TagList.
func (t *TagList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*t = splitTags(one)
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		*t = nil // null, or a shape no tag can be read from
		return nil
	}
	out := make(TagList, 0, len(raw))
	for _, r := range raw {
		if v := tagOf(r); v != "" {
			out = append(out, v)
		}
	}
	*t = out
	return nil
}

// tagOf reads one element: a string or a tag object; anything else names no tag.
func tagOf(r json.RawMessage) string {
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	var o struct {
		Tag      string `json:"tag"`
		Name     string `json:"name"`
		TagName  string `json:"tagName"`
		TagUnder string `json:"tag_name"`
		Value    string `json:"value"`
	}
	if json.Unmarshal(r, &o) != nil {
		return ""
	}
	return cmp.Or(o.Tag, o.TagName, o.TagUnder, o.Name, o.Value)
}

func splitTags(s string) TagList {
	var out TagList
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
