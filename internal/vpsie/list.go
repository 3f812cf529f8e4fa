package vpsie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// maxPages bounds a paginated listing; at the API's usual page sizes that is far beyond any real account.
const maxPages = 100

// pageSize is the limit shape B listings ask for; a server that caps it lower only makes more pages.
const pageSize = 100

// Query parameters of paginated listings.
const (
	// QueryPage is shape A's 1-based page number, sent when a list response says more pages follow.
	QueryPage = "page"
	// QueryOffset is shape B's 0-based item offset: the number of items read so far.
	QueryOffset = "offset"
	// QueryLimit is shape B's page size.
	QueryLimit = "limit"
)

// pageInfo is what a list response says about the whole listing.
type pageInfo struct {
	items      int
	pagination *vpsieapi.Pagination // shape A
	total      *int                 // shape B: items in the whole listing
	data       json.RawMessage      // the page's items as sent, to notice a server that repeats a page
}

// listPage reads a list response: an envelope with data (and shape A's pagination or shape B's total), or a bare
// array.
type listPage[T any] struct {
	Data []T
	pageInfo
}

func (*listPage[T]) wholeEnvelope() {}

func (p *listPage[T]) UnmarshalJSON(b []byte) error {
	var env struct {
		Data       json.RawMessage      `json:"data"`
		Pagination *vpsieapi.Pagination `json:"pagination"`
		Total      *int                 `json:"total"`
	}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		env.Data = b
	} else if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	if err := json.Unmarshal(orNull(env.Data), &p.Data); err != nil {
		return err
	}
	p.pageInfo = pageInfo{items: len(p.Data), pagination: env.Pagination, total: env.Total, data: env.Data}
	return nil
}

func orNull(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return b
}

// paging is one shape's way to ask for a page and to tell when a listing is complete.
type paging struct {
	// query is the query of page n (1-based) after read items.
	query func(q url.Values, n, read int) url.Values
	// complete reports whether the listing is whole after page n; an error when the server stopped short.
	complete func(p pageInfo, n, read int) (bool, error)
}

func (c *Client) paging() paging {
	if c.opts.Shape == ShapeB {
		return paging{query: offsetQuery, complete: completeByTotal}
	}
	return paging{query: pageQuery, complete: completeByPages}
}

// pageQuery asks for shape A's page n; the first request is sent as the caller built it.
func pageQuery(q url.Values, n, _ int) url.Values {
	if n == 1 {
		return q
	}
	q = cloneValues(q)
	q.Set(QueryPage, strconv.Itoa(n))
	return q
}

// completeByPages: shape A's listing is whole at its last page. The page number is counted here, not taken from
// the server's current_page, so a server that omits it cannot make the loop ask for one page forever.
func completeByPages(p pageInfo, n, read int) (bool, error) {
	pg := p.pagination
	if pg == nil {
		return true, nil
	}
	if p.items == 0 && (n < pg.TotalPages || read < pg.Total) {
		return false, fmt.Errorf("listing incomplete: page %d of %d is empty, read %d of %d", n, pg.TotalPages,
			read, pg.Total)
	}
	return n >= pg.TotalPages, nil
}

// offsetQuery asks for shape B's items from read on.
func offsetQuery(q url.Values, _, read int) url.Values {
	q = cloneValues(q)
	q.Set(QueryOffset, strconv.Itoa(read))
	q.Set(QueryLimit, strconv.Itoa(pageSize))
	return q
}

// completeByTotal: shape B's listing is whole once total items are read. Without a total (older servers, bare
// arrays) one page is the whole list.
func completeByTotal(p pageInfo, _, read int) (bool, error) {
	switch {
	case p.total == nil || read >= *p.total:
		return true, nil
	case p.items == 0:
		return false, fmt.Errorf("listing incomplete: read %d of %d", read, *p.total)
	}
	return false, nil
}

// listAll fetches every page of a list call: one logical call, one request per page. A listing that stops short
// (an empty page before the end, a page that repeats the one before, more than maxPages pages) is a transient
// error, never a partial list: a list is how callers decide that a VM does not exist.
func listAll[T any](ctx context.Context, c *Client, r request) ([]T, error) {
	pg := c.paging()
	var all []T
	var prev json.RawMessage
	for n := 1; n <= maxPages; n++ {
		r.query = pg.query(r.query, n, len(all))
		var p listPage[T]
		if err := c.do(ctx, r, &p); err != nil {
			return nil, err
		}
		if p.items > 0 && bytes.Equal(p.data, prev) {
			return nil, c.incomplete(r, fmt.Errorf("listing incomplete: page %d repeats page %d, read %d", n,
				n-1, len(all)))
		}
		prev = p.data
		all = append(all, p.Data...)
		done, err := pg.complete(p.pageInfo, n, len(all))
		if err != nil {
			return nil, c.incomplete(r, err)
		}
		if done {
			return all, nil
		}
	}
	return nil, c.incomplete(r, fmt.Errorf("listing incomplete: more than %d pages, read %d", maxPages, len(all)))
}

// incomplete is the transient error of a listing that could not be read whole; a later attempt may succeed.
func (c *Client) incomplete(r request, err error) error {
	return c.fail(r, &APIError{Kind: KindTransient, Err: err})
}
