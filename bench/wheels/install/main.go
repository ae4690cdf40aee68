// Command install is the benchmark driver for bench/wheels/run.sh: it
// installs every wheel in a directory into a pip --target style layout with
// pinwheel's installer (package wheel), so it can be timed against
// `pip install --target`. It is not part of the pinwheel CLI.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"pinwheel.dev/pinwheel/internal/wheel"
)

func main() {
	findLinks := flag.String("find-links", "", "directory of wheels to install")
	target := flag.String("target", "", "directory to install into (pip --target layout)")
	interpreter := flag.String("interpreter", "/usr/bin/python3", "interpreter for script shebangs")
	flag.Parse()
	if err := run(*findLinks, *target, *interpreter); err != nil {
		fmt.Fprintln(os.Stderr, "install:", err)
		os.Exit(1)
	}
}

func run(dir, target, interpreter string) error {
	if dir == "" || target == "" {
		return fmt.Errorf("need --find-links DIR and --target DIR")
	}
	target, err := filepath.Abs(target)
	if err != nil {
		return err
	}
	wheels, err := filepath.Glob(filepath.Join(dir, "*.whl"))
	if err != nil {
		return err
	}
	sort.Strings(wheels)
	s := wheel.Scheme{Purelib: target, Platlib: target, Scripts: filepath.Join(target, "bin"),
		Data: target, Headers: filepath.Join(target, "include"), Interpreter: interpreter}
	for _, w := range wheels {
		if _, err := wheel.Install(context.Background(), w, s); err != nil {
			return err
		}
	}
	return nil
}
