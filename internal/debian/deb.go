package debian

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// arMagic starts every ar archive, and so every .deb (deb(5)).
const arMagic = "!<arch>\n"

// readAr calls fn for each member of the ar archive r: 60-byte headers
// (name 16, mtime 12, uid 6, gid 6, mode 8, size 10, "`\n"), data padded
// to an even length.
func readAr(r io.Reader, fn func(name string, size int64, body io.Reader) error) error {
	br := bufio.NewReader(r)
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != arMagic {
		return fmt.Errorf("not an ar archive (a .deb starts with %q)", strings.TrimSpace(arMagic))
	}
	hdr := make([]byte, 60)
	for {
		if _, err := io.ReadFull(br, hdr); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("ar header: %w (truncated?)", err)
		}
		if string(hdr[58:60]) != "`\n" {
			return fmt.Errorf("ar header: bad terminator")
		}
		name := strings.TrimSuffix(strings.TrimSpace(string(hdr[0:16])), "/")
		size, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("ar member %s: bad size %q", name, hdr[48:58])
		}
		body := io.LimitReader(br, size)
		if err := fn(name, size, body); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, body); err != nil {
			return fmt.Errorf("ar member %s: %w", name, err)
		}
		if size%2 == 1 {
			if _, err := br.ReadByte(); err != nil && err != io.EOF {
				return err
			}
		}
	}
}

// deb is what pinwheel reads from a .deb: its control files and the
// entries of its data.tar.
type deb struct {
	control []byte // the control file
	md5sums []byte // the md5sums file, if any
	data    []tarFile
}

// tarFile is one data.tar entry with its content in memory.
type tarFile struct {
	hdr  *tar.Header
	body []byte
}

// readDeb parses a .deb: "debian-binary" (2.0), control.tar.* and
// data.tar.* (gz, xz, zst or uncompressed).
func readDeb(r io.Reader) (*deb, error) {
	d := &deb{}
	var sawData, sawControl bool
	err := readAr(r, func(name string, size int64, body io.Reader) error {
		switch {
		case name == "debian-binary":
			b, _ := io.ReadAll(io.LimitReader(body, 16))
			if !strings.HasPrefix(string(b), "2.") {
				return fmt.Errorf("debian-binary %q: not a format 2.x .deb", bytes.TrimSpace(b))
			}
		case strings.HasPrefix(name, "control.tar"):
			sawControl = true
			return readTar(body, name, func(h *tar.Header, b []byte) error {
				switch strings.TrimPrefix(h.Name, "./") {
				case "control":
					d.control = b
				case "md5sums":
					d.md5sums = b
				}
				return nil
			})
		case strings.HasPrefix(name, "data.tar"):
			sawData = true
			return readTar(body, name, func(h *tar.Header, b []byte) error {
				d.data = append(d.data, tarFile{h, b})
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sawControl || !sawData || d.control == nil {
		return nil, fmt.Errorf("not a complete .deb: control.tar (with ./control) and data.tar are required")
	}
	return d, nil
}

func readTar(r io.Reader, member string, fn func(*tar.Header, []byte) error) error {
	zr, err := decompress(r)
	if err != nil {
		return fmt.Errorf("%s: %w", member, err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", member, err)
		}
		var b []byte
		if h.Typeflag == tar.TypeReg {
			if b, err = io.ReadAll(tr); err != nil {
				return fmt.Errorf("%s: %s: %w", member, h.Name, err)
			}
		}
		if err := fn(h, b); err != nil {
			return err
		}
	}
}
