package vpsiesim

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// Paging query parameters. Shape A pages by number (the client's vpsie.QueryPage); shape B, like govpsie's
// datacenter listing, by item offset and limit.
const (
	QueryPage   = "page"
	QueryOffset = "offset"
	QueryLimit  = "limit"
)

// window is the part of a list one request asks for: items [offset, offset+limit).
type window struct {
	offset, limit int
	number        int // shape A's 1-based page number
	size          int // Realism.PageSize
}

// cut returns the part of items w covers (empty past the end).
func cut[T any](items []T, w window) []T {
	lo := min(w.offset, len(items))
	return items[lo : lo+min(w.limit, len(items)-lo)]
}

// windowA reads shape A's ?page=<p> (1-based, default 1); every page holds size items.
func windowA(q url.Values, size int) (window, *apiError) {
	number, aerr := queryInt(q, QueryPage, 1, 1)
	if aerr != nil {
		return window{}, aerr
	}
	offset := math.MaxInt // a page number this far out is simply past the end
	if number-1 <= math.MaxInt/size {
		offset = (number - 1) * size
	}
	return window{offset: offset, limit: size, number: number, size: size}, nil
}

// windowB reads shape B's ?offset=<items>&limit=<n>. Without offset the first page is served, and without limit
// a page of size; limit is capped at size, so a caller must follow "total" to see a long list whole.
func windowB(q url.Values, size int) (window, *apiError) {
	offset, aerr := queryInt(q, QueryOffset, 0, 0)
	if aerr != nil {
		return window{}, aerr
	}
	limit, aerr := queryInt(q, QueryLimit, size, 1)
	if aerr != nil {
		return window{}, aerr
	}
	return window{offset: offset, limit: min(limit, size), size: size}, nil
}

// queryInt reads an integer query parameter of at least lowest; absent or empty gives def.
func queryInt(q url.Values, name string, def, lowest int) (int, *apiError) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lowest {
		return 0, errValidation(name, "must be an integer of at least %d", lowest)
	}
	return n, nil
}

// pagedA wraps one page of a list of total items as shape A does: data plus pagination.
func pagedA(items any, w window, count, total int) any {
	env := ok(items)
	env.Pagination = &vpsieapi.Pagination{Total: total, Count: count, PerPage: w.size, CurrentPage: w.number,
		TotalPages: (total + w.size - 1) / w.size}
	return env
}

// totalledB wraps one page of a list as shape B does: data plus the total of all items.
func totalledB(items any, _ window, _, total int) any {
	env := ok(items)
	env.Total = &total
	return env
}

// serveList answers a list request with the page of items(r) the request asks for, the way enc pages and wraps
// lists. The page is read first, so a malformed one is refused before items runs (and, for VMs, counts a lookup).
func serveList[T any](s *Simulator, enc encoding, items func(*http.Request) ([]T, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		win, aerr := enc.window(r.URL.Query(), s.pageSize())
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		all, aerr := items(r)
		if aerr != nil {
			writeError(w, aerr)
			return
		}
		part := cut(all, win)
		writeJSON(w, http.StatusOK, enc.list(part, win, len(part), len(all)))
	}
}
