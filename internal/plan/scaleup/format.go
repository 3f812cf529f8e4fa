package scaleup

import (
	"sort"
	"strconv"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// sortBy sorts items by a string key, stably, so equal keys keep the planner's order.
func sortBy[T any](items []T, key func(T) string) {
	sort.SliceStable(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
}
