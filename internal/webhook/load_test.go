package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkWebhookLoad is a load generator on loopback against the TLS server:
// an open-loop 1000 requests per second (latency measured from each request's
// scheduled time, so a stall is not hidden), alternating Node deletions and
// NodeGroup creations, for 5 s; in the second case 16 clients meanwhile keep
// sending 1 MiB bodies (half with Content-Length, half chunked; 64 in the third). It reports
// p50/p99/max latency and the peak heap. Run it once:
//
//	go test -run '^$' -bench BenchmarkWebhookLoad -benchtime 1x ./internal/webhook/
func BenchmarkWebhookLoad(b *testing.B) {
	for _, tc := range []struct {
		name    string
		bigBody int // concurrent senders of 1 MiB bodies
	}{{"1000rps", 0}, {"1000rps+16x1MiB", 16}, {"1000rps+64x1MiB", 64}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				r := runLoad(b, 1000, 5*time.Second, tc.bigBody)
				b.ReportMetric(ms(r.percentile(50)), "p50-ms")
				b.ReportMetric(ms(r.percentile(99)), "p99-ms")
				b.ReportMetric(ms(r.percentile(100)), "max-ms")
				b.ReportMetric(ms(percentile(r.service, 50)), "svc-p50-ms")
				b.ReportMetric(ms(percentile(r.service, 99)), "svc-p99-ms")
				b.ReportMetric(float64(r.peakHeap)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(r.errors), "errors")
				b.ReportMetric(float64(r.bigRejected), "big-413s")
			}
		})
	}
}

type loadResult struct {
	latencies   []time.Duration // from each request's scheduled time
	service     []time.Duration // from the moment it was sent (the server's share)
	errors      int64
	bigRejected int64
	peakHeap    uint64
}

func (r *loadResult) percentile(p int) time.Duration { return percentile(r.latencies, p) }

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[(len(ds)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func runLoad(b *testing.B, rps int, d time.Duration, bigSenders int) *loadResult {
	addr, ca, _ := startServer(b)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.PEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	bodies := []struct{ path string }{{PathValidateNode}, {PathValidateNodeGroup}}
	payloads := [][]byte{
		reviewBody(b, admissionv1.Delete, "u", nil, nil, node("n1", map[string]string{"autoscaler.vpsie.com/managed": "true"})),
		reviewBody(b, admissionv1.Create, "u", nil, validGroup(), nil),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := &loadResult{}
	var wg sync.WaitGroup
	// Big bodies on their own connections: the server answers 413 and closes.
	big := bytes.Repeat([]byte(" "), 1<<20)
	for i := range bigSenders {
		wg.Go(func() {
			bc := &http.Client{Transport: &http.Transport{TLSClientConfig: tr.TLSClientConfig.Clone()}, Timeout: 10 * time.Second}
			for ctx.Err() == nil {
				var rd io.Reader = bytes.NewReader(big)
				if i%2 == 1 {
					rd = struct{ io.Reader }{rd} // no length: sent chunked
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+addr+PathValidateNode, rd)
				req.Header.Set("Content-Type", "application/json")
				if resp, err := bc.Do(req); err == nil {
					if resp.StatusCode == http.StatusRequestEntityTooLarge {
						atomic.AddInt64(&res.bigRejected, 1)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
				}
			}
		})
	}
	// Peak heap, sampled.
	var peak atomic.Uint64
	wg.Go(func() {
		var m runtime.MemStats
		for ctx.Err() == nil {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	// Open loop: request i is due at start + i/rps whatever happened before.
	n := int(d.Seconds() * float64(rps))
	lat, svc := make([]time.Duration, n), make([]time.Duration, n)
	var reqs sync.WaitGroup
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rps))
		time.Sleep(time.Until(due))
		reqs.Go(func() {
			body := payloads[i%2]
			req, _ := http.NewRequest(http.MethodPost, "https://"+addr+bodies[i%2].path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			sent := time.Now()
			resp, err := c.Do(req)
			if err != nil {
				atomic.AddInt64(&res.errors, 1)
				lat[i] = -1
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				atomic.AddInt64(&res.errors, 1)
			}
			lat[i], svc[i] = time.Since(due), time.Since(sent)
		})
	}
	reqs.Wait()
	cancel()
	wg.Wait()
	for i, l := range lat {
		if l >= 0 {
			res.latencies, res.service = append(res.latencies, l), append(res.service, svc[i])
		}
	}
	res.peakHeap = peak.Load()
	return res
}
