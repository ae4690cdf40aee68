package vuln

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"pinwheel.dev/pinwheel/internal/inputerr"
)

// maxRecord bounds one record's size (the largest real records, Linux
// kernel advisories, are a few hundred KB).
const maxRecord = 16 << 20

// Load reads an offline database: a zip of OSV records (osv.dev's
// <Ecosystem>/all.zip), or a directory holding such zips (osv.dev's export
// layout, or osv-scanner's local-db layout osv-scalibr/<Ecosystem>/all.zip)
// and/or OSV JSON/YAML records at any depth (PyPA's advisory-database
// layout: vulns/<package>/<ID>.yaml). Hidden directories are skipped. A
// record that does not parse is an input error naming its file and line.
func Load(path string, opts ...LoadOption) (*DB, error) {
	var lo loadOptions
	for _, o := range opts {
		o(&lo)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &inputerr.Error{Path: path, Msg: "cannot read the vulnerability database", Err: err}
	}
	db := NewDB()
	if !info.IsDir() {
		if !strings.HasSuffix(path, ".zip") {
			return nil, &inputerr.Error{Path: path, Msg: "not a vulnerability database (want a directory or a .zip of OSV records)"}
		}
		return db, loadZip(db, path, lo)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".zip":
			return loadZip(db, p, lo)
		case ".json", ".yaml", ".yml":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db, loadFiles(db, files, lo)
}

// loadZip adds the .json records in the zip at path. With an index cache
// and ForPackages, only the entries the zip's index names are read; the
// first load of a zip reads them all and writes its index.
func loadZip(db *DB, path string, lo loadOptions) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &inputerr.Error{Path: path, Msg: "not a zip of OSV records", Err: err}
	}
	defer zr.Close()
	files := zr.File
	idxPath, building := "", false
	if lo.names != nil && lo.indexDir != "" {
		if idxPath, err = indexPath(lo.indexDir, path); err != nil {
			return err
		}
		if idx, ok := readIndex(idxPath); ok {
			files = wantedEntries(zr, idx, lo.names)
		} else {
			building = true
		}
	}
	var jobs []job
	for _, f := range files {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		jobs = append(jobs, job{name: path + "!" + f.Name, entry: f.Name, open: func() ([]byte, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return readLimited(rc)
		}})
	}
	idx, err := parseAll(db, jobs, lo, building)
	if err != nil || !building {
		return err
	}
	// A cache that cannot be written costs the next scan time, not this one its result.
	_ = writeIndex(idxPath, idx)
	return nil
}

func loadFiles(db *DB, files []string, lo loadOptions) error {
	jobs := make([]job, len(files))
	for i, p := range files {
		jobs[i] = job{name: p, open: func() ([]byte, error) {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			return readLimited(f)
		}}
	}
	_, err := parseAll(db, jobs, lo, false)
	return err
}

type job struct {
	name  string
	entry string // the zip entry, for the index
	open  func() ([]byte, error)
}

// parseAll reads and parses the jobs on every core, then adds the records
// in the jobs' order (so the DB does not depend on scheduling). With
// ForPackages, a record that names none of the packages is not parsed.
// With index, it also returns the zip name index of every job.
func parseAll(db *DB, jobs []job, lo loadOptions, index bool) (zipIndex, error) {
	recs := make([]*Record, len(jobs))
	errs := make([]error, len(jobs))
	var parts []zipIndex
	if index {
		parts = make([]zipIndex, len(jobs))
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := jobs[i].open()
				if err != nil {
					errs[i] = &inputerr.Error{Path: jobs[i].name, Msg: "cannot read", Err: err}
					continue
				}
				if index {
					parts[i] = zipIndex{}
					indexEntry(parts[i], jobs[i].entry, data)
				}
				if lo.names != nil && !mentionsAny(data, lo.names) {
					continue
				}
				recs[i], errs[i] = ParseRecord(jobs[i].name, data)
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	idx := zipIndex{}
	for i := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		if recs[i] != nil {
			db.Add(recs[i])
		}
		if index {
			for n, es := range parts[i] {
				idx[n] = append(idx[n], es...)
			}
		}
	}
	return idx, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	var b bytes.Buffer
	n, err := io.Copy(&b, io.LimitReader(r, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if n > maxRecord {
		return nil, fmt.Errorf("record larger than %d bytes", maxRecord)
	}
	return b.Bytes(), nil
}
