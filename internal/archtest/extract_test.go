package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// osWrites are the os calls that create, change or remove files.
var osWrites = map[string]bool{
	"Create": true, "CreateTemp": true, "OpenFile": true, "WriteFile": true, "Mkdir": true, "MkdirAll": true,
	"MkdirTemp": true, "Symlink": true, "Link": true, "Remove": true, "RemoveAll": true, "Rename": true,
	"Chmod": true, "Chown": true, "Lchown": true, "Chtimes": true, "Truncate": true,
}

// archiveReaders are the calls that open tar and zip archives.
var archiveReaders = map[string]bool{"tar.NewReader": true, "zip.OpenReader": true, "zip.NewReader": true}

// calls returns the pkg.Func selector calls in f.
func calls(f *ast.File) map[string]bool {
	out := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					out[id.Name+"."+sel.Sel.Name] = true
				}
			}
		}
		return true
	})
	return out
}

// Extraction goes through internal/safefs (os.Root): a file that reads a
// tar or zip archive writes nothing with plain os calls, and the wheel
// installer writes only through safefs.Tree.
func TestExtractionWritesOnlyThroughSafefs(t *testing.T) {
	root := repoRoot(t)
	safefs := filepath.Join(root, "internal", "safefs")
	wheel := filepath.Join(root, "internal", "wheel")
	for dir, files := range packages(t, root) {
		if dir == safefs {
			continue
		}
		for _, name := range files {
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatalf("parse %s: %v", name, err)
			}
			cs := calls(f)
			reads := false
			for c := range archiveReaders {
				reads = reads || cs[c]
			}
			if !reads && dir != wheel {
				continue
			}
			for c := range cs {
				if len(c) > 3 && c[:3] == "os." && osWrites[c[3:]] {
					rel, _ := filepath.Rel(root, name)
					t.Errorf("%s calls %s: extraction must write through internal/safefs", rel, c)
				}
			}
		}
	}
}
