package localindex

import (
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

// `index serve` hands out only regular files inside its directory: a link
// to a file outside, or a FIFO with a wheel's name, is not found (and the
// FIFO does not hang the server).
func TestServeOnlyRegularFilesInside(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "wheels")
	os.Mkdir(dir, 0o755)
	secret := filepath.Join(parent, "secret.txt")
	os.WriteFile(secret, []byte("TOKEN=s3cr3t"), 0o644)
	wheeltest.Write(t, dir, wheeltest.Wheel{Name: "good", Version: "1.0", Files: map[string]string{"good/__init__.py": ""}})
	os.Symlink(secret, filepath.Join(dir, "evil-1.0-py3-none-any.whl"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe-1.0-py3-none-any.whl"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, dir)
	for name, want := range map[string]int{
		"good-1.0-py3-none-any.whl": http.StatusOK,
		"evil-1.0-py3-none-any.whl": http.StatusNotFound,
		"pipe-1.0-py3-none-any.whl": http.StatusNotFound,
	} {
		resp, body := get(t, srv.URL+"/files/"+name, "")
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d (%.80q)", name, resp.StatusCode, want, body)
		}
	}
}
