package safefs

import "archive/zip"

// CheckZip refuses a zip whose central directory declares more entries,
// more uncompressed bytes or a higher overall compression ratio than lim
// allows. It reads no entry data: a bomb is refused before anything is
// inflated. archive/zip then refuses an entry that inflates past its
// declared size (zip.ErrFormat), so the declared sizes bound what reading
// the entries can produce.
func CheckZip(files []*zip.File, lim Limits) error {
	lim = lim.withDefaults()
	if len(files) > lim.MaxEntries {
		return &LimitError{What: "entries", Got: int64(len(files)), Limit: int64(lim.MaxEntries)}
	}
	var total, compressed uint64
	for _, f := range files {
		total += f.UncompressedSize64
		compressed += f.CompressedSize64
		if total > uint64(lim.MaxBytes) {
			return &LimitError{What: "uncompressed size", Got: int64(min(total, 1<<62)), Limit: lim.MaxBytes}
		}
	}
	if total > ratioFloor {
		ratio := int64(total / max(compressed, 1))
		if ratio > lim.MaxRatio {
			return &LimitError{What: "compression ratio", Got: ratio, Limit: lim.MaxRatio}
		}
	}
	return nil
}
