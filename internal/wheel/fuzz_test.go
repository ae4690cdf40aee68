package wheel

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pinwheel.dev/pinwheel/internal/wheel/wheeltest"
)

func FuzzInstall(f *testing.F) {
	f.Add(basicWheel().Bytes())
	f.Add(helloWheel().Bytes())
	evil := basicWheel()
	evil.Raw = []wheeltest.Entry{{Name: "../evil.py", Content: "x"}}
	f.Add(evil.Bytes())
	link := basicWheel()
	link.Raw = []wheeltest.Entry{{Name: "demo/l", Content: "../../x", Mode: fs.ModeSymlink | 0o777}}
	f.Add(link.Bytes())
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	planted := basicWheel().Bytes() // zip comment "1": an odd last byte plants links out
	planted[len(planted)-2] = 1
	f.Add(append(planted, '1'))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		whl := filepath.Join(root, "demo-1.0-py3-none-any.whl")
		if err := os.WriteFile(whl, data, 0o644); err != nil {
			t.Fatal(err)
		}
		stage := filepath.Join(root, "stage")
		s := PosixScheme(stage, "/usr/local", "3.11")
		outside := filepath.Join(root, "outside")
		os.Mkdir(outside, 0o755)
		if len(data) > 0 && data[len(data)-1]&1 == 1 {
			// A target that already holds links out (a hostile base, an
			// earlier layer): the install must not write through them.
			os.MkdirAll(s.Purelib, 0o755)
			os.Symlink(outside, filepath.Join(s.Purelib, "demo"))
			os.Symlink("../../../../../../outside", filepath.Join(s.Purelib, "demo-1.0.dist-info"))
		}
		_, err := Install(context.Background(), whl, s)
		if left, _ := os.ReadDir(outside); len(left) != 0 {
			t.Fatalf("install wrote through a planted link: %v", left)
		}
		for _, p := range filesUnder(t, root) {
			if p == whl || strings.HasPrefix(p, s.Purelib+"/demo") && isLink(p) {
				continue
			}
			if err != nil {
				t.Fatalf("failed install (%v) left %s", err, p)
			}
			if !strings.HasPrefix(p, stage+string(filepath.Separator)) {
				t.Fatalf("install wrote outside the staging dir: %s", p)
			}
		}
	})
}

func isLink(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

func FuzzParseEntryPoints(f *testing.F) {
	f.Add("[console_scripts]\nhello = hello:main\nx = a.b:C.d [extra]\n[gui_scripts]\ng = m\n")
	f.Add("[console_scripts]\nbad = os:system('x')\n")
	f.Fuzz(func(t *testing.T, in string) {
		eps, err := parseEntryPoints([]byte(in))
		if err != nil {
			return
		}
		for _, ep := range eps {
			if !scriptName.MatchString(ep.Name) || !dottedName.MatchString(ep.Module) || (ep.Attr != "" && !dottedName.MatchString(ep.Attr)) {
				t.Fatalf("accepted unsafe entry point %+v", ep)
			}
			src := string(launcher(ep, "/usr/bin/python3"))
			if strings.Count(src, "\n") != 8 {
				t.Fatalf("launcher for %+v has unexpected shape:\n%s", ep, src)
			}
		}
	})
}
