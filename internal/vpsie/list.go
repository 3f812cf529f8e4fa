package vpsie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// maxPages bounds a paginated listing; at the API's usual page sizes that is far beyond any real account.
const maxPages = 100

// QueryPage is the page parameter sent when a list response says more pages follow (shape A's pagination).
const QueryPage = "page"

// listPage reads a list response: an envelope with data (and shape A's pagination), or a bare array.
type listPage[T any] struct {
	Data       []T
	Pagination *vpsieapi.Pagination
}

func (*listPage[T]) wholeEnvelope() {}

func (p *listPage[T]) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &p.Data)
	}
	var env struct {
		Data       []T                  `json:"data"`
		Pagination *vpsieapi.Pagination `json:"pagination"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	p.Data, p.Pagination = env.Data, env.Pagination
	return nil
}

// listAll fetches every page of a list call. Pages are idempotent reads, so r's retry setting applies per page.
// The next page is counted here, not taken from the server's current_page, so a server that omits it or ignores
// the page parameter cannot make the loop ask for one page forever; a listing longer than maxPages is an error,
// never a silently partial list (which could hide a VM from the hostname lookup that guards creates).
func listAll[T any](ctx context.Context, c *Client, r request) ([]T, error) {
	var all []T
	for page := 1; page <= maxPages; page++ {
		var p listPage[T]
		if err := c.do(ctx, r, &p); err != nil {
			return nil, err
		}
		all = append(all, p.Data...)
		pg := p.Pagination
		if pg == nil || pg.TotalPages <= page || len(p.Data) == 0 {
			return all, nil
		}
		r.query = cloneValues(r.query)
		r.query.Set(QueryPage, strconv.Itoa(page+1))
	}
	return nil, &APIError{Kind: KindTransient, Method: r.method, Endpoint: r.route,
		Err: fmt.Errorf("listing has more than %d pages", maxPages)}
}
