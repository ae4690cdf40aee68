package publish

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// writeFileAtomic writes data to path through a temp file in the same directory.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// writeBeside writes each attachment as PATH.<FileName> next to a local output.
func writeBeside(path string, atts []Attachment) ([]AttachmentResult, error) {
	var out []AttachmentResult
	for _, a := range atts {
		if a.FileName == "" {
			continue
		}
		p := filepath.Clean(path) + "." + a.FileName
		if err := writeFileAtomic(p, a.Data); err != nil {
			return nil, err
		}
		out = append(out, AttachmentResult{Kind: a.Kind, Ref: p})
	}
	return out, nil
}
