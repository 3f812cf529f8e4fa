package devtemporal

import (
	"net"
	"strings"
	"testing"
)

func TestTemporalDevAllocatePorts(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "free ports for everything are distinct", opts: Options{IP: loopback}},
		{name: "ui disabled takes no ui port", opts: Options{IP: loopback, DisableUI: true}},
		{name: "taken frontend port is reported before anything starts", opts: Options{IP: loopback, Port: busyPort}, wantErr: "frontend: port"},
		{name: "taken ui port is reported before anything starts", opts: Options{IP: loopback, UIPort: busyPort}, wantErr: "web ui: port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := allocatePorts(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int]bool{p.frontendHTTP: true}
			for _, port := range p.grpc {
				seen[port] = true
			}
			if !tt.opts.DisableUI {
				seen[p.ui] = true
			}
			want := len(p.grpc) + 1
			if !tt.opts.DisableUI {
				want++
			}
			if len(seen) != want || seen[0] {
				t.Errorf("ports %+v are not %d distinct non-zero ports", p, want)
			}
		})
	}
}

func TestTemporalDevDialHost(t *testing.T) {
	tests := map[string]string{
		"0.0.0.0":   loopback,
		"::":        loopback,
		"127.0.0.1": "127.0.0.1",
		"10.1.2.3":  "10.1.2.3",
	}
	for ip, want := range tests {
		if got := dialHost(ip); got != want {
			t.Errorf("dialHost(%q) = %q, want %q", ip, got, want)
		}
	}
}

func TestTemporalDevOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{name: "defaults are valid", opts: Options{}},
		{name: "ip must be an address", opts: Options{IP: "localhost"}, wantErr: true},
		{name: "ports stay in range", opts: Options{Port: 70000}, wantErr: true},
		{name: "namespaces must be named", opts: Options{Namespaces: []string{"default", ""}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.withDefaults().validate()
			if (err != nil) != tt.wantErr {
				t.Errorf("validate() = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}
