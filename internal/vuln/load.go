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

// loadZip adds every .json record in the zip at path.
func loadZip(db *DB, path string, lo loadOptions) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &inputerr.Error{Path: path, Msg: "not a zip of OSV records", Err: err}
	}
	defer zr.Close()
	var jobs []job
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		jobs = append(jobs, job{name: path + "!" + f.Name, open: func() ([]byte, error) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return readLimited(rc)
		}})
	}
	return parseAll(db, jobs, lo)
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
	return parseAll(db, jobs, lo)
}

type job struct {
	name string
	open func() ([]byte, error)
}

// parseAll reads and parses the jobs on every core, then adds the records
// in the jobs' order (so the DB does not depend on scheduling).
func parseAll(db *DB, jobs []job, lo loadOptions) error {
	recs := make([]*Record, len(jobs))
	errs := make([]error, len(jobs))
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
	for i := range jobs {
		if errs[i] != nil {
			return errs[i]
		}
		if recs[i] != nil {
			db.Add(recs[i])
		}
	}
	return nil
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
