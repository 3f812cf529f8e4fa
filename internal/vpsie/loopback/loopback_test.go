package loopback

import "testing"

func TestHostAcceptsOnlyThisMachine(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.255.0.9", true},
		{"::1", true},
		{"localhost", true},
		{"LocalHost", true},
		{"10.0.0.5", false},
		{"128.0.0.1", false},
		{"::2", false},
		{"0.0.0.0", false},
		{"localhost.example.com", false},
		{"api.vpsie.com", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			if got := Host(tt.host); got != tt.want {
				t.Fatalf("Host(%q) = %v, want %v", tt.host, got, tt.want)
			}
		})
	}
}
