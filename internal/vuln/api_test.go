package vuln

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// osvServer serves querybatch and vulns/{id} from records, checking each
// request's method, path and body, and counts the record fetches.
type osvServer struct {
	t       *testing.T
	records map[string][]byte // id → JSON
	hits    map[string][]string
	mu      sync.Mutex
	fetches map[string]int
	pages   int
}

func (s *osvServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
		if r.Header.Get("Content-Type") != "application/json" {
			s.t.Errorf("querybatch Content-Type = %q", r.Header.Get("Content-Type"))
		}
		var req struct{ Queries []apiQuery }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			s.t.Errorf("querybatch body: %v", err)
		}
		var results []map[string]any
		for _, q := range req.Queries {
			if q.Package.Ecosystem == "" || q.Package.Name == "" || q.Version == "" {
				s.t.Errorf("incomplete query %+v", q)
			}
			ids := s.hits[q.Package.Name+"@"+q.Version]
			// Page: one id per page, so the client must follow tokens.
			page := 0
			if q.PageToken != "" {
				page = int(q.PageToken[0] - '0')
				s.pages++
			}
			res := map[string]any{"vulns": []any{}}
			if page < len(ids) {
				var rec Record
				json.Unmarshal(s.records[ids[page]], &rec)
				res["vulns"] = []any{map[string]string{"id": ids[page], "modified": rec.Modified}}
				if page+1 < len(ids) {
					res["next_page_token"] = string(rune('0' + page + 1))
				}
			}
			results = append(results, res)
		}
		json.NewEncoder(w).Encode(map[string]any{"results": results})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
		id := strings.TrimPrefix(r.URL.Path, "/v1/vulns/")
		data, ok := s.records[id]
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.fetches[id]++
		w.Write(data)
	default:
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "no", http.StatusBadRequest)
	}
}

func TestAPIQueryPagesAndCaches(t *testing.T) {
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	srv := &osvServer{t: t, fetches: map[string]int{},
		records: map[string][]byte{
			"GHSA-j8r2-6x86-q33q": read("testdata/osv/ghsa/GHSA-j8r2-6x86-q33q.json"),
			"DSA-3029-1":          read("testdata/osv/debian/DSA-3029-1.json"),
			"WITHDRAWN-1":         []byte(`{"id":"WITHDRAWN-1","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","affected":[]}`),
		},
		hits: map[string][]string{
			"requests@2.30.0":         {"GHSA-j8r2-6x86-q33q", "WITHDRAWN-1"},
			"nginx@1.2.1-2.2+wheezy2": {"DSA-3029-1"},
		}}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	api := &API{BaseURL: ts.URL, Client: ts.Client(), CacheDir: t.TempDir()}
	pkgs := []Package{{PyPI, "requests", "2.30.0"}, {"Debian:7", "nginx", "1.2.1-2.2+wheezy2"}, {PyPI, "flask", "3.0.0"}}
	for round := 0; round < 2; round++ {
		fs, err := Scan(context.Background(), api, pkgs)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
		if strings.Join(ids, ",") != "DSA-3029-1,GHSA-j8r2-6x86-q33q" {
			t.Fatalf("round %d: findings %v, want DSA-3029-1 and GHSA-j8r2-6x86-q33q (the withdrawn record left out)", round, ids)
		}
	}
	if srv.pages != 2 {
		t.Errorf("followed %d page tokens, want 2 (one per round)", srv.pages)
	}
	for id, n := range srv.fetches {
		if n != 1 {
			t.Errorf("%s fetched %d times, want once (then from the cache)", id, n)
		}
	}
}
