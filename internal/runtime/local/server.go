package local

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"pinwheel.dev/pinwheel/internal/crash"
	"pinwheel.dev/pinwheel/internal/metrics"
	"pinwheel.dev/pinwheel/internal/rollout"
	"pinwheel.dev/pinwheel/internal/runtime"
)

// StateFileName is the file under a project's .pinwheel/ directory that
// tells clients where the running `pinwheel up` listens.
const StateFileName = "runtime.json"

// State is the content of the state file.
type State struct {
	// Addr is the control API's host:port (loopback).
	Addr string `json:"addr"`
	// Token authorizes control requests (Authorization: Bearer TOKEN).
	Token     string    `json:"token"`
	PID       int       `json:"pid"`
	StartedAt time.Time `json:"startedAt"`
}

// Serve runs the control API for rt on addr until ctx ends. Once listening
// it writes the state file into stateDir (atomically, mode 0600) and calls
// ready; on return the state file is removed and rt is closed (replicas
// stopped).
func Serve(ctx context.Context, rt *Runtime, stateDir, addr string, ready func(State)) error {
	defer rt.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("control API: listen: %w", err)
	}
	tok := make([]byte, 24)
	rand.Read(tok)
	st := State{Addr: ln.Addr().String(), Token: hex.EncodeToString(tok), PID: os.Getpid(), StartedAt: time.Now().UTC()}
	srv := &http.Server{Handler: crash.Handler(Handler(rt, st.Token)), ReadHeaderTimeout: 10 * time.Second}
	b, _ := json.MarshalIndent(st, "", "  ")
	path := filepath.Join(stateDir, StateFileName)
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		ln.Close()
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n'), 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("write state file: %w", err)
	}
	defer os.Remove(path)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(st)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	return nil
}

// Handler is the control API: JSON over HTTP, bearer token on /v1/.
func Handler(rt *Runtime, token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", rt.MetricsHandler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	api := http.NewServeMux()
	api.HandleFunc("POST /v1/apply", func(w http.ResponseWriter, r *http.Request) {
		var d runtime.Desired
		if decode(w, r, &d) {
			reply(w, struct{}{}, rt.Apply(r.Context(), d))
		}
	})
	api.HandleFunc("GET /v1/services/{service}", func(w http.ResponseWriter, r *http.Request) {
		o, err := rt.Observe(r.Context(), r.PathValue("service"))
		reply(w, o, err)
	})
	api.HandleFunc("POST /v1/services/{service}/releases/{release}/smoke", func(w http.ResponseWriter, r *http.Request) {
		var spec rollout.SmokeStep
		if decode(w, r, &spec) {
			res, err := rt.Smoke(r.Context(), r.PathValue("service"), r.PathValue("release"), spec)
			reply(w, res, err)
		}
	})
	api.HandleFunc("GET /v1/services/{service}/releases/{release}/logs", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("tail"))
		lines, err := rt.Logs(r.Context(), r.PathValue("service"), r.PathValue("release"), n)
		reply(w, lines, err)
	})
	api.HandleFunc("GET /v1/services/{service}/releases/{release}/failures", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		f, err := rt.FailedRequests(r.Context(), r.PathValue("service"), r.PathValue("release"), n)
		reply(w, f, err)
	})
	api.HandleFunc("POST /v1/query", func(w http.ResponseWriter, r *http.Request) {
		var q metrics.Query
		if decode(w, r, &q) {
			s, err := rt.Query(r.Context(), q)
			reply(w, s, err)
		}
	})
	api.HandleFunc("POST /v1/resolve", func(w http.ResponseWriter, r *http.Request) {
		var q metrics.Query
		if decode(w, r, &q) {
			s, err := rt.Resolve(q)
			reply(w, s, err)
		}
	})
	mux.Handle("/v1/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, []byte("Bearer "+token)) != 1 {
			writeJSON(w, http.StatusUnauthorized, apiError{"missing or wrong bearer token (see .pinwheel/" + StateFileName + ")"})
			return
		}
		api.ServeHTTP(w, r)
	}))
	return mux
}

type apiError struct {
	Error string `json:"error"`
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError{"request body: " + err.Error()})
		return false
	}
	return true
}

func reply(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, apiError{err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// ReadState reads the state file in stateDir.
func ReadState(stateDir string) (State, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, StateFileName))
	if errors.Is(err, os.ErrNotExist) {
		return State{}, fmt.Errorf("no local runtime running for %s (start one with `pinwheel up`)", filepath.Dir(stateDir))
	}
	if err != nil {
		return State{}, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil || st.Addr == "" || st.Token == "" {
		return State{}, fmt.Errorf("%s: not a pinwheel runtime state file", filepath.Join(stateDir, StateFileName))
	}
	return st, nil
}
