package main

import (
	"fmt"
	"strings"
)

const MaxSize = 10

var verbose = false

type Server struct {
	Name string
	port int
}

type Handler interface {
	Serve(req string) string
}

type ID int

func NewServer(name string) *Server {
	return &Server{Name: name}
}

func (s *Server) Start() error {
	fmt.Println(strings.ToUpper(s.Name))
	return nil
}

func (s Server) Port() int { return s.port }

func main() {
	s := NewServer("x")
	_ = s.Start()
}
