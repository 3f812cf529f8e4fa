package freeport

import (
	"net"
	"testing"
)

func TestListenPicksBelowTheEphemeralRange(t *testing.T) {
	limit := ephemeralLow()
	for range 20 {
		l, err := Listen("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port < low || port >= limit {
			t.Fatalf("port %d outside [%d, %d)", port, low, limit)
		}
	}
}

func TestAddrIsFreeToBind(t *testing.T) {
	addr, err := Addr()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("the returned address is not bindable: %v", err)
	}
	_ = l.Close()
}

func TestParseRangeLow(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "32768\t60999\n", want: 32768},
		{in: "1024 65535", want: 1024},
		{in: "", wantErr: true},
		{in: "x 60999", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseRangeLow(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseRangeLow(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
