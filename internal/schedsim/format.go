package schedsim

import (
	"sort"
	"strconv"
	"strings"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// FormatCPU renders millicores as cores: 40000 → "40", 1500 → "1.5", 250 → "0.25".
func FormatCPU(milli int64) string {
	return strconv.FormatFloat(float64(milli)/1000, 'f', -1, 64)
}

// FormatBytes renders bytes in the largest binary unit that keeps one decimal readable.
func FormatBytes(b int64) string {
	units := []struct {
		name string
		size int64
	}{{"Ti", 1 << 40}, {"Gi", 1 << 30}, {"Mi", 1 << 20}, {"Ki", 1 << 10}}
	for _, u := range units {
		if b >= u.size || -b >= u.size {
			s := strconv.FormatFloat(float64(b)/float64(u.size), 'f', 1, 64)
			return strings.TrimSuffix(s, ".0") + u.name
		}
	}
	return itoa(b)
}

// Sorted returns pointers to the elements of items ordered by key, stably, leaving items
// untouched: the snapshot belongs to the caller.
func Sorted[T any](items []T, key func(*T) string) []*T {
	type keyed struct {
		key  string
		item *T
	}
	ks := make([]keyed, len(items))
	for i := range items {
		ks[i] = keyed{key(&items[i]), &items[i]}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	out := make([]*T, len(ks))
	for i, k := range ks {
		out[i] = k.item
	}
	return out
}

// sortBy sorts items by a string key, stably, so equal keys keep the planner's order.
func sortBy[T any](items []T, key func(T) string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
}
