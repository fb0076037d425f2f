package qfpaytest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Server is a sandbox listening on a TCP address.
type Server struct {
	URL string
	srv *http.Server
}

// Listen serves the sandbox on addr (default 127.0.0.1:0, a free loopback port).
func (s *Sandbox) Listen(addr string) (*Server, error) { return s.listen(addr, s, "") }

func (s *Sandbox) listen(addr string, h http.Handler, path string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox stopped", "err", err)
		}
	}()
	return &Server{URL: "http://" + ln.Addr().String() + path, srv: srv}, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// TestMerchant is the merchant NewTest registers.
var TestMerchant = Merchant{AppCode: "A1B2C3D4E5F60718293A4B5C6D7E8F90", Key: "0E32A59A8B454940A2FF39SANDBOXKEY"}

// TB is the part of testing.TB that NewTest uses (so that the binary, which links this package
// for qfpos demo and qfpos sandbox, does not link the testing package).
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// NewTest starts a sandbox with TestMerchant on loopback, mounted under /gw (a non-root base path),
// and returns it with the base URL to give the client. The server closes when the test ends.
func NewTest(tb TB, opts ...Option) (*Sandbox, string) {
	tb.Helper()
	sb, err := New(append([]Option{WithMerchant(TestMerchant)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/gw/", http.StripPrefix("/gw", sb))
	srv, err := sb.listen("", mux, "/gw")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return sb, srv.URL
}
