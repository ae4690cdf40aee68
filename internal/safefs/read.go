package safefs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// Errors Open and ReadFile wrap; test with errors.Is.
var (
	ErrOutside    = errors.New("is outside the allowed directory")
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = errors.New("is too large")
)

// Refused reports whether err is Open's or ReadFile's refusal of a file
// (outside the root, not a regular file, too large): an input error, as
// opposed to a missing file or an I/O failure.
func Refused(err error) bool {
	return errors.Is(err, ErrOutside) || errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooLarge)
}

// DefaultMaxRead caps ReadFile for project text files (requirements,
// lockfiles, pyproject, Dockerfile, scripts): far above any real one.
const DefaultMaxRead = 64 << 20

// Open opens name for reading, refusing it unless it is a regular file
// inside root: name may be absolute or relative to the working directory,
// and symlinks on the way are followed only while they stay inside root.
// Devices, FIFOs, sockets and directories are refused without blocking
// (the file is opened O_NONBLOCK and checked with fstat).
func Open(root, name string) (*os.File, error) {
	rel, err := Within(root, name)
	if err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	st, err := r.Stat(rel)
	if err != nil {
		return nil, rootErr(name, root, err)
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(name, st.Mode())
	}
	f, err := r.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, rootErr(name, root, err)
	}
	fst, err := f.Stat()
	if err == nil && (!fst.Mode().IsRegular() || !os.SameFile(st, fst)) {
		err = notRegular(name, fst.Mode())
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// ReadFile reads name as Open allows it, refusing files larger than max
// bytes (DefaultMaxRead when max <= 0) before reading them, and stopping
// when ctx is done.
func ReadFile(ctx context.Context, root, name string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxRead
	}
	f, err := Open(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > max {
		return nil, fmt.Errorf("%s %w (%d bytes, the limit is %d)", inputerr.Excerpt(name), ErrTooLarge, st.Size(), max)
	}
	data, err := io.ReadAll(ContextReader(ctx, io.LimitReader(f, max+1)))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s %w (grew past the limit of %d bytes)", inputerr.Excerpt(name), ErrTooLarge, max)
	}
	return data, nil
}

// Within returns name relative to root, refusing names that are outside it
// by their spelling ("..", another absolute directory) with ErrOutside.
// Links are not looked at: Open and ReadFile check those.
func Within(root, name string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	absName, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absRoot, absName)
	if err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%s %w %s", inputerr.Excerpt(name), ErrOutside, root)
	}
	return rel, nil
}

// rootErr names an os.Root refusal (a link leading out) as ErrOutside, and
// cuts the name in any other error to an excerpt.
func rootErr(name, root string, err error) error {
	if !errors.Is(err, fs.ErrNotExist) && strings.Contains(err.Error(), "escapes") {
		return fmt.Errorf("%s %w %s (through a symlink)", inputerr.Excerpt(name), ErrOutside, root)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: "open", Path: inputerr.Excerpt(name), Err: pe.Err}
	}
	return err
}

func notRegular(name string, m fs.FileMode) error {
	kind := "a " + strings.TrimPrefix(fmt.Sprint(m.Type()), "-")
	switch {
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("%s %w (it is %s)", inputerr.Excerpt(name), ErrNotRegular, kind)
}
