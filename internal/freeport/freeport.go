package freeport

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

const (
	// low is the first port handed out: above the well-known and most registered service ports.
	low = 10000
	// defaultEphemeralLow is Linux's default start of the ephemeral range, used when /proc cannot be read.
	defaultEphemeralLow = 32768
	attempts            = 50
)

// Listen binds a random free port on ip below the ephemeral range and returns the listener, so the caller
// holds the port until it closes it. After many taken ports it falls back to letting the kernel choose.
func Listen(ip string) (net.Listener, error) {
	span := ephemeralLow() - low
	for range attempts {
		if span <= 0 {
			break
		}
		port := low + rand.IntN(span)
		l, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
		if err == nil {
			return l, nil
		}
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, fmt.Errorf("no free port on %s: %w", ip, err)
	}
	return l, nil
}

// Addr returns a free "127.0.0.1:port" for a server started later (another process, say). The port is
// released before Addr returns; below the ephemeral range only another picker could take it meanwhile.
func Addr() (string, error) {
	l, err := Listen("127.0.0.1")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// ephemeralLow reads the first port of the kernel's ephemeral range.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return defaultEphemeralLow
	}
	n, err := parseRangeLow(string(b))
	if err != nil {
		return defaultEphemeralLow
	}
	return n
}

func parseRangeLow(s string) (int, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return 0, errors.New("want two ports")
	}
	return strconv.Atoi(fields[0])
}
