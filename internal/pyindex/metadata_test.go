package pyindex

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCoreMetadataVerifiedByHash(t *testing.T) {
	const meta = "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/files/demo-1.0-py3-none-any.whl.metadata":
			w.Write([]byte(meta))
		case "/files/big.whl.metadata":
			w.Write([]byte(strings.Repeat("x", maxMetadataBytes+10)))
		default:
			t.Errorf("unexpected request %s (only the .metadata file may be fetched)", r.URL.Path)
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(WithIndexURL(""), WithNetrc(""), WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	good := File{Filename: "demo-1.0-py3-none-any.whl", URL: srv.URL + "/files/demo-1.0-py3-none-any.whl", CoreMetadata: true,
		CoreMetadataHashes: map[string]string{"sha256": "0a3e0da01fb4e3fa3b6bf0fdc7c1ad4bc2bbfe3f0b2d9bb1b3cd0e0b67e7d4f6"}}
	_, err = c.CoreMetadata(context.Background(), "demo", good)
	var mismatch *HashMismatchError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "demo-1.0-py3-none-any.whl.metadata") {
		t.Fatalf("a wrong hash must fail: %v", err)
	}
	good.CoreMetadataHashes["sha256"] = mismatch.Actual
	data, err := c.CoreMetadata(context.Background(), "demo", good)
	if err != nil || string(data) != meta {
		t.Fatalf("metadata %q, %v", data, err)
	}
	unhashed := good
	unhashed.CoreMetadataHashes = nil
	if _, err := c.CoreMetadata(context.Background(), "demo", unhashed); !errors.Is(err, ErrNoCoreMetadata) {
		t.Errorf("metadata without a hash: %v", err)
	}
	big := File{Filename: "big.whl", URL: srv.URL + "/files/big.whl", CoreMetadata: true, CoreMetadataHashes: map[string]string{"sha256": mismatch.Actual}}
	if _, err := c.CoreMetadata(context.Background(), "big", big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized metadata: %v", err)
	}
}
