package container

import (
	"bufio"
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"

	"pinwheel.dev/pinwheel/internal/inputerr"
	"pinwheel.dev/pinwheel/internal/safefs"
)

// User is the process identity the image config's "user" names.
type User struct {
	UID, GID uint32
	Home     string
}

// ResolveUser turns the image config's user — "", "uid", "uid:gid",
// "name" or "name:group" — into numbers, reading the rootfs's /etc/passwd
// and /etc/group (confined to the rootfs) for names, the primary group and
// the home directory. As container engines do, an empty user is root and a
// numeric uid that /etc/passwd lacks gets gid 0.
func ResolveUser(ctx context.Context, rootfs, spec string) (User, error) {
	u := User{Home: "/"}
	if spec == "" {
		spec = "0"
	}
	name, group, hasGroup := strings.Cut(spec, ":")
	passwd := readDB(ctx, rootfs, "etc/passwd")
	if id, err := strconv.ParseUint(name, 10, 32); err == nil {
		u.UID = uint32(id)
		if e, ok := lookup(passwd, 2, name); ok {
			u.GID, u.Home = atou(e[3]), e[5]
		}
	} else if e, ok := lookup(passwd, 0, name); ok {
		u.UID, u.GID, u.Home = atou(e[2]), atou(e[3]), e[5]
	} else {
		return User{}, inputf("image user %s: no such user in the image's /etc/passwd", inputerr.Excerpt(name))
	}
	if !hasGroup {
		return u, nil
	}
	if id, err := strconv.ParseUint(group, 10, 32); err == nil {
		u.GID = uint32(id)
	} else if e, ok := lookup(readDB(ctx, rootfs, "etc/group"), 0, group); ok {
		u.GID = atou(e[2])
	} else {
		return User{}, inputf("image user %s: no such group in the image's /etc/group", inputerr.Excerpt(spec))
	}
	return u, nil
}

// readDB reads a passwd-style file from the rootfs; a missing or refused
// file reads as empty.
func readDB(ctx context.Context, rootfs, rel string) []byte {
	b, err := safefs.ReadFile(ctx, rootfs, filepath.Join(rootfs, rel), 1<<20)
	if err != nil {
		return nil
	}
	return b
}

// lookup returns the first line of db whose field col is key; passwd lines
// have 7 fields, group lines 4 (shorter lines are skipped).
func lookup(db []byte, col int, key string) ([]string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(db))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) >= 4 && f[col] == key {
			for len(f) < 7 {
				f = append(f, "")
			}
			if f[5] == "" {
				f[5] = "/"
			}
			return f, true
		}
	}
	return nil, false
}

func atou(s string) uint32 {
	n, _ := strconv.ParseUint(s, 10, 32)
	return uint32(n)
}
