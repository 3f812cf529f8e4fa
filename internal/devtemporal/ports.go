package devtemporal

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/vpsie/vpsie-autoscaler/internal/freeport"
)

// portReserver binds every port the server will use and holds them until release, so
// two "free" ports can never come out the same and a taken port fails here with a clear
// error. That matters: the server and the UI exit the process when they cannot bind,
// which would take an embedding autoscaler down with a less useful message. Ports it picks
// itself come from below the ephemeral range, so only another picker could take one between
// release and the server's bind.
type portReserver struct {
	held []net.Listener
}

// take reserves port on ip; port 0 picks a free one below the ephemeral range, where no outgoing connection
// can take it between release and the server's bind.
func (r *portReserver) take(ip string, port int) (int, error) {
	var l net.Listener
	var err error
	if port == 0 {
		l, err = freeport.Listen(ip)
	} else {
		l, err = net.Listen("tcp", hostPort(ip, port))
	}
	if err != nil {
		return 0, fmt.Errorf("port %d on %s is not available: %w", port, ip, err)
	}
	r.held = append(r.held, l)
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (r *portReserver) release() error {
	var errs []error
	for _, l := range r.held {
		errs = append(errs, l.Close())
	}
	r.held = nil
	return errors.Join(errs...)
}

// dialHost is where local clients reach a listener bound to ip: a wildcard bind is
// reachable on loopback, which keeps the dev server's own traffic off the network.
func dialHost(ip string) string {
	if parsed := net.ParseIP(ip); parsed != nil && parsed.IsUnspecified() {
		return loopback
	}
	return ip
}

func hostPort(ip string, port int) string {
	return net.JoinHostPort(ip, strconv.Itoa(port))
}
