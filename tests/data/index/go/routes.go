package httpd

import "net/http"

type (
	route   string
	counter int
)

// routes builds the request multiplexer.
func routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/health", health)
	return mux
}

func health(w http.ResponseWriter, r *http.Request) {
	requests++
	w.WriteHeader(http.StatusOK)
}

func main() {
	s := NewServer(DefaultAddr)
	_ = s
}
