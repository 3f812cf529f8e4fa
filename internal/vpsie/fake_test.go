package vpsie_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vpsie/vpsie-autoscaler/internal/vpsie"
	"github.com/vpsie/vpsie-autoscaler/internal/vpsie/vpsieapi"
)

// fakeAPI serves routes (ServeMux patterns such as "GET /api/v2/vm", full paths) on a plain-HTTP loopback server,
// plus a login that always succeeds unless routes holds the login pattern too; a nil handler leaves its pattern
// unrouted. Every other path gets Go's own "404 page not found", as a wrong base URL would. It returns a client of
// shape for it, with options adjusted by adjust.
func fakeAPI(t *testing.T, shape vpsie.Shape, routes map[string]http.HandlerFunc,
	adjust ...func(*vpsie.Options)) *vpsie.Client {
	t.Helper()
	mux := http.NewServeMux()
	if _, own := routes[loginPattern(shape)]; !own {
		mux.HandleFunc(loginPattern(shape), acceptLogin)
	}
	for pattern, h := range routes {
		if h != nil {
			mux.HandleFunc(pattern, h)
		}
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts := vpsie.Options{Shape: shape, BaseURL: srv.URL + basePath(shape), AllowPlainHTTP: true,
		Credentials: vpsie.Credentials{ClientID: "id", ClientSecret: "secret"}, Timeout: 5 * time.Second,
		RateLimit: 60000, RateBurst: 100}
	for _, f := range adjust {
		f(&opts)
	}
	c, err := vpsie.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// basePath is the path of a shape's base URL; shape A's routes hang below it.
func basePath(shape vpsie.Shape) string {
	if shape == vpsie.ShapeB {
		return ""
	}
	return vpsieapi.PrefixA
}

func loginPattern(shape vpsie.Shape) string {
	if shape == vpsie.ShapeB {
		return "POST " + vpsieapi.PathBLogin
	}
	return "POST " + vpsieapi.PrefixA + vpsieapi.PathALogin
}

// vmsPath is the path of the shape's VM collection (list, create; shape B's delete).
func vmsPath(shape vpsie.Shape) string {
	if shape == vpsie.ShapeB {
		return vpsieapi.PathBVMs
	}
	return vpsieapi.PrefixA + vpsieapi.PathAVMs
}

func vmsPattern(shape vpsie.Shape, method string) string { return method + " " + vmsPath(shape) }

// deletePattern is the shape's delete route.
func deletePattern(shape vpsie.Shape) string {
	if shape == vpsie.ShapeB {
		return vmsPattern(shape, http.MethodDelete)
	}
	return "DELETE " + vpsieapi.PrefixA + vpsieapi.PathAVM
}

// acceptLogin answers any login with a token valid for an hour.
func acceptLogin(w http.ResponseWriter, _ *http.Request) {
	_, _ = fmt.Fprintf(w, `{"error":false,"accessToken":{"token":"fake-token-0123456789","expires":%q}}`,
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

// answer writes status and a JSON body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
