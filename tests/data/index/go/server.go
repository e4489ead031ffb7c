// Package httpd serves the shop's HTTP API.
package httpd

import (
	"context"
	"fmt"
	"net/http"
)

// DefaultAddr is where the server listens unless told otherwise.
const DefaultAddr = ":8080"

var requests int

// Server wraps an http.Server with graceful shutdown.
type Server struct {
	// Addr is the listen address.
	Addr string
	srv  *http.Server
}

// Handler answers one route.
type Handler interface {
	Serve(w http.ResponseWriter, r *http.Request) error
}

// NewServer returns a server listening on addr.
func NewServer(addr string) *Server {
	return &Server{Addr: addr}
}

// Start listens until ctx is done.
func (s *Server) Start(ctx context.Context) error {
	s.srv = &http.Server{Addr: s.Addr, Handler: routes()}
	go func() {
		<-ctx.Done()
		s.srv.Close()
	}()
	fmt.Println("listening on", s.Addr)
	return s.srv.ListenAndServe()
}
