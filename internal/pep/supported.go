package pep

import "strconv"

// SupportedTags lists the tags a target's installer accepts, most preferred
// first, in the order pip uses: the interpreter's own ABI on each platform,
// then abi3, then "none" for this interpreter; abi3 for older CPython 3
// minors; then pure-Python tags (pyXY, py3, older pyXY) per platform; then
// "-none-any" for this interpreter and for each pure-Python tag. A target
// that is not valid (bad PythonVersion or LibcVersion, no Arch, not linux)
// yields no tags.
func SupportedTags(t Target) []Tag {
	major, minor, err := t.pythonMajorMinor()
	if err != nil {
		return nil
	}
	platforms, err := t.Platforms()
	if err != nil {
		return nil
	}
	impl := t.impl()
	ver := strconv.Itoa(major) + strconv.Itoa(minor)
	interp := impl + ver
	var tags []Tag
	add := func(i, a string, plats ...string) {
		for _, p := range plats {
			tags = append(tags, Tag{i, a, p})
		}
	}
	if impl == "cp" {
		abi := "cp" + ver
		switch {
		case t.FreeThreaded():
			abi += "t" // free-threaded builds have their own ABI and no abi3
		case major == 3 && minor < 8:
			abi += "m" // pymalloc builds before 3.8
		}
		add(interp, abi, platforms...)
		abi3 := major == 3 && minor >= 2 && !t.FreeThreaded()
		if abi3 {
			add(interp, "abi3", platforms...)
		}
		add(interp, "none", platforms...)
		if abi3 {
			for m := minor - 1; m >= 2; m-- {
				add("cp3"+strconv.Itoa(m), "abi3", platforms...)
			}
		}
	} else {
		add(interp, "none", platforms...)
	}
	py := pythonTagRange(major, minor)
	for _, p := range py {
		add(p, "none", platforms...)
	}
	add(interp, "none", "any")
	for _, p := range py {
		add(p, "none", "any")
	}
	return tags
}

// pythonTagRange is "py311", "py3", "py310", ..., "py30".
func pythonTagRange(major, minor int) []string {
	m := strconv.Itoa(major)
	out := []string{"py" + m + strconv.Itoa(minor), "py" + m}
	for i := minor - 1; i >= 0; i-- {
		out = append(out, "py"+m+strconv.Itoa(i))
	}
	return out
}

// manylinux2014Arches are the architectures PEP 599 defines
// manylinux2014 for; manylinux2010 and manylinux1 exist only for x86.
var manylinux2014Arches = map[string]bool{
	"x86_64": true, "i686": true, "aarch64": true, "armv7l": true,
	"ppc64": true, "ppc64le": true, "s390x": true,
}

// Platforms returns the platform tags of the target, most specific first:
// manylinux_2_N (PEP 600) from the target glibc down to the oldest the
// architecture has (2_17, or 2_5 on x86), each legacy alias right after the
// glibc it stands for (manylinux2014 = 2_17, manylinux2010 = 2_12,
// manylinux1 = 2_5); or musllinux_1_N (PEP 656) down to 1_0; then the
// plain linux_<arch> tag.
func (t Target) Platforms() ([]string, error) {
	if t.OS != "" && t.OS != "linux" {
		return nil, syntaxErr("target", t.OS, 0, "only linux targets are supported, not %q", t.OS)
	}
	if t.Arch == "" {
		return nil, syntaxErr("target", "", 0, "the target has no architecture")
	}
	libcMajor, libcMinor, err := t.libcMajorMinor()
	if err != nil {
		return nil, err
	}
	arch := t.Arch
	archs := []string{arch}
	if arch == "armv8l" { // 32-bit userland on ARMv8 runs armv7l code
		archs = append(archs, "armv7l")
	}
	var out []string
	for _, a := range archs {
		if t.libc() == "musl" {
			for m := libcMinor; m >= 0; m-- {
				out = append(out, "musllinux_"+strconv.Itoa(libcMajor)+"_"+strconv.Itoa(m)+"_"+a)
			}
			continue
		}
		if libcMajor != 2 {
			continue
		}
		oldest := 17
		if a == "x86_64" || a == "i686" {
			oldest = 5
		}
		for m := libcMinor; m >= oldest; m-- {
			out = append(out, "manylinux_2_"+strconv.Itoa(m)+"_"+a)
			switch {
			case m == 17 && manylinux2014Arches[a]:
				out = append(out, "manylinux2014_"+a)
			case m == 12:
				out = append(out, "manylinux2010_"+a)
			case m == 5:
				out = append(out, "manylinux1_"+a)
			}
		}
	}
	for _, a := range archs {
		out = append(out, "linux_"+a)
	}
	return out, nil
}

// TagRanks maps each supported tag to its preference (0 is best).
type TagRanks map[Tag]int

// Ranks returns the preference index of every tag the target supports.
func (t Target) Ranks() TagRanks {
	tags := SupportedTags(t)
	r := make(TagRanks, len(tags))
	for i, tag := range tags {
		if _, dup := r[tag]; !dup {
			r[tag] = i
		}
	}
	return r
}

// Rank returns the best (lowest) preference among w's tags, and false when
// the wheel cannot be installed on the target at all.
func (r TagRanks) Rank(w WheelName) (rank int, ok bool) {
	rank = -1
	for _, tag := range w.Tags {
		if i, found := r[tag]; found && (rank < 0 || i < rank) {
			rank = i
		}
	}
	return rank, rank >= 0
}

// Rank is Ranks().Rank(w); build the TagRanks once when ranking many wheels.
func (t Target) Rank(w WheelName) (rank int, ok bool) { return t.Ranks().Rank(w) }
