package pep

// Text encodings, so the parsed types read and write as plain strings in
// JSON, YAML and TOML. Each writes its canonical String form.

// MarshalText writes the canonical specifier set, e.g. "<2,>=1.0".
func (s SpecifierSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a specifier set.
func (s *SpecifierSet) UnmarshalText(b []byte) error {
	parsed, err := ParseSpecifierSet(string(b))
	if err != nil {
		return err
	}
	*s = parsed
	return nil
}

// MarshalText writes the canonical marker ("" for the empty marker).
func (m Marker) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a marker; empty text is the empty marker.
func (m *Marker) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Marker{}
		return nil
	}
	parsed, err := ParseMarker(string(b))
	if err != nil {
		return err
	}
	*m = parsed
	return nil
}

// MarshalText writes the canonical requirement.
func (r Requirement) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses a requirement.
func (r *Requirement) UnmarshalText(b []byte) error {
	parsed, err := ParseRequirement(string(b))
	if err != nil {
		return err
	}
	*r = parsed
	return nil
}
