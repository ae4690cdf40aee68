package wheel

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"

	"golang.org/x/sync/errgroup"

	"pinwheel.dev/pinwheel/internal/pep"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// extractWorkers is how many files one install writes at once: creating
// files is mostly waiting on the file system.
const extractWorkers = 4

// maxScript bounds a .data/scripts file, which is read into memory to
// rewrite its #!python line: real scripts are a few KiB.
const maxScript = 64 << 20

// Installed describes one installed distribution.
type Installed struct {
	Name, Version string   // from METADATA
	DistInfo      string   // absolute path of the installed .dist-info directory
	Files         []string // every file written (absolute), in RECORD order
	Scripts       []string // scripts and entry-point launchers written (absolute)
}

// Install installs the wheel at wheelPath into dst. Nothing is left behind on
// error: files and directories it created are removed.
func Install(ctx context.Context, wheelPath string, dst Scheme, opts ...InstallOption) (Installed, error) {
	cfg := installConfig{installer: "pinwheel", modTime: DefaultModTime, logger: slog.New(slog.DiscardHandler)}
	if strings.HasSuffix(wheelPath, ".whl") {
		cfg.filename = filepath.Base(wheelPath)
	}
	for _, o := range opts {
		o(&cfg)
	}
	if err := dst.validate(); err != nil {
		return Installed{}, err
	}
	a, err := openArchive(wheelPath, cfg.limits)
	if err != nil {
		return Installed{}, err
	}
	defer a.Close()
	d, err := a.findDistInfo()
	if err != nil {
		return Installed{}, err
	}
	if err := checkFilename(wheelPath, cfg.filename, d); err != nil {
		return Installed{}, err
	}
	if err := d.checkRequiresPython(cfg.pythonVersion); err != nil {
		return Installed{}, err
	}
	if d.minorNewer {
		cfg.logger.Warn("wheel format is newer than this installer knows", "wheel", wheelPath, "wheelVersion", d.wheelVersion)
	}
	record, err := a.parseRecord(d)
	if err != nil {
		return Installed{}, err
	}
	root := dst.Platlib
	if d.rootIsPurelib {
		root = dst.Purelib
	}
	plan, err := planFiles(a, d, dst, root)
	if err != nil {
		return Installed{}, err
	}
	var eps []EntryPoint
	if _, ok := a.files[d.dir+"/entry_points.txt"]; ok {
		data, err := a.readFile(d.dir + "/entry_points.txt")
		if err != nil {
			return Installed{}, err
		}
		if eps, err = parseEntryPoints(data); err != nil {
			return Installed{}, invalid(wheelPath, "%v", err)
		}
	}
	w := &writer{modTime: cfg.modTime, root: root, tree: safefs.NewTree(dst.Purelib, dst.Platlib, dst.Scripts, dst.Data, dst.Headers)}
	defer w.tree.Close()
	inst, err := install(ctx, a, d, record, plan, eps, dst, root, cfg, w)
	if err != nil {
		w.undo()
		return Installed{}, err
	}
	return inst, nil
}

func checkFilename(wheelPath, filename string, d distInfo) error {
	if filename == "" {
		return nil
	}
	wn, err := pep.ParseWheelFilename(filename)
	if err != nil {
		return invalid(wheelPath, "file name %q: %v", filename, err)
	}
	if wn.NormalizedName() != pep.NormalizeName(d.name) || !sameVersion(wn.Version, d.version) {
		return invalid(wheelPath, "file name %s does not match its metadata (%s %s)", filename, d.name, d.version)
	}
	return nil
}

// plannedFile is one archive file and where it goes.
type plannedFile struct {
	name   string // archive name
	dest   string
	script bool // from .data/scripts: #!python rewrite, mode 0755
}

func planFiles(a *archive, d distInfo, dst Scheme, root string) ([]plannedFile, error) {
	var plan []plannedFile
	taken := map[string]string{}
	for _, name := range a.names {
		if unsigned(d, name) || generated(d, name) {
			continue
		}
		pf := plannedFile{name: name, dest: filepath.Join(root, filepath.FromSlash(name))}
		if rest, ok := strings.CutPrefix(name, d.dataDir+"/"); ok {
			key, sub, ok := strings.Cut(rest, "/")
			dir, known := dst.dir(key)
			if !ok || !known {
				return nil, invalid(a.path, "%s: %s/ must hold only purelib, platlib, headers, scripts or data directories", name, d.dataDir)
			}
			pf.dest = filepath.Join(dir, filepath.FromSlash(sub))
			pf.script = key == "scripts"
		} else if top, _, _ := strings.Cut(name, "/"); strings.HasSuffix(top, ".data") {
			return nil, invalid(a.path, "%s: unexpected .data directory (want %s)", name, d.dataDir)
		}
		if prev, dup := taken[pf.dest]; dup {
			return nil, invalid(a.path, "%s and %s both install to %s", prev, name, pf.dest)
		}
		taken[pf.dest] = name
		plan = append(plan, pf)
	}
	return plan, nil
}

// generated names the dist-info files the installer writes itself.
func generated(d distInfo, name string) bool {
	switch name {
	case d.dir + "/INSTALLER", d.dir + "/REQUESTED", d.dir + "/direct_url.json":
		return true
	}
	return false
}

func install(ctx context.Context, a *archive, d distInfo, record map[string]recordEntry, plan []plannedFile,
	eps []EntryPoint, dst Scheme, root string, cfg installConfig, w *writer) (Installed, error) {
	inst := Installed{Name: d.name, Version: d.version, DistInfo: filepath.Join(root, d.dir)}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(extractWorkers)
	for _, pf := range plan {
		if pf.script {
			inst.Scripts = append(inst.Scripts, pf.dest)
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return extract(a, pf, record[pf.name], dst.Interpreter, w)
		})
	}
	if err := g.Wait(); err != nil {
		return Installed{}, err
	}
	for _, ep := range eps {
		dest := filepath.Join(dst.Scripts, ep.Name)
		if err := w.createBytes(dest, launcher(ep, dst.Interpreter), 0o755); err != nil {
			return Installed{}, fmt.Errorf("install %s launcher %s: %w", d.name, ep.Name, err)
		}
		inst.Scripts = append(inst.Scripts, dest)
	}
	meta := map[string][]byte{"INSTALLER": []byte(cfg.installer + "\n")}
	if cfg.requested {
		meta["REQUESTED"] = []byte{}
	}
	if cfg.directURL != nil {
		meta["direct_url.json"] = cfg.directURL
	}
	for _, n := range []string{"INSTALLER", "REQUESTED", "direct_url.json"} {
		if data, ok := meta[n]; ok {
			if err := w.createBytes(filepath.Join(inst.DistInfo, n), data, 0o644); err != nil {
				return Installed{}, err
			}
		}
	}
	recordPath := filepath.Join(inst.DistInfo, "RECORD")
	rows := append(w.rows, installedRow{path: filepath.ToSlash(filepath.Join(d.dir, "RECORD"))})
	if err := w.createBytes(recordPath, encodeRecord(rows), 0o644); err != nil {
		return Installed{}, err
	}
	if err := w.finish(); err != nil {
		return Installed{}, err
	}
	for _, r := range rows {
		inst.Files = append(inst.Files, filepath.Join(root, filepath.FromSlash(r.path)))
	}
	return inst, nil
}

// extract writes one archive file, checking its hash and size against RECORD
// as it streams (and before a script's shebang is rewritten).
func extract(a *archive, pf plannedFile, want recordEntry, interpreter string, w *writer) error {
	zf := a.files[pf.name]
	rc, err := zf.Open()
	if err != nil {
		return invalid(a.path, "%s: %v", pf.name, err)
	}
	defer rc.Close()
	limit := int64(zf.UncompressedSize64)
	if want.size >= 0 {
		limit = want.size
	}
	var r io.Reader = io.LimitReader(rc, limit+1)
	mode := fs.FileMode(0o644)
	if pf.script || zf.Mode()&0o111 != 0 {
		mode = 0o755
	}
	check := func(h hash.Hash, n int64) error { return verifyRecord(a.path, pf.name, want, h, n) }
	var extra hash.Hash
	if want.alg != "sha256" {
		extra = newRecordHash(want.alg)
		check = func(_ hash.Hash, n int64) error { return verifyRecord(a.path, pf.name, want, extra, n) }
	}
	if pf.script {
		if limit > maxScript {
			return invalid(a.path, "%s: a %d-byte script (scripts are read whole to rewrite #!python; the limit is %d)", pf.name, limit, maxScript)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return invalid(a.path, "%s: %v", pf.name, err)
		}
		h := newRecordHash(want.alg)
		h.Write(data)
		if err := verifyRecord(a.path, pf.name, want, h, int64(len(data))); err != nil {
			return err
		}
		return w.createBytes(pf.dest, rewriteShebang(data, interpreter), mode)
	}
	if err := w.create(pf.dest, r, mode, check, extra); err != nil {
		if _, ok := err.(*InvalidError); ok {
			return err
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) {
			return invalid(a.path, "%s: %v", pf.name, err)
		}
		return fmt.Errorf("install %s: %w", pf.name, err)
	}
	return nil
}

func verifyRecord(wheelPath, name string, want recordEntry, h hash.Hash, n int64) error {
	if want.size >= 0 && n != want.size {
		return invalid(wheelPath, "%s: size %d does not match RECORD (%d)", name, n, want.size)
	}
	if got := h.Sum(nil); !bytes.Equal(got, want.digest) {
		return invalid(wheelPath, "%s: %s does not match RECORD", name, want.alg)
	}
	return nil
}

// rewriteShebang replaces a first line starting with "#!python" by the
// target interpreter's shebang (PEP 427); other scripts are unchanged.
func rewriteShebang(data []byte, interpreter string) []byte {
	if !bytes.HasPrefix(data, []byte("#!python")) {
		return data
	}
	rest := data[len(data):]
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		rest = data[i+1:]
	}
	return append([]byte(shebang(interpreter)), rest...)
}
