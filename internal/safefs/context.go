package safefs

import (
	"context"
	"io"
)

// ContextReader returns a reader of r that fails with ctx.Err() once ctx
// is done, so a long copy (a layer, an endless /dev/zero) stops within one
// read of a cancel.
func ContextReader(ctx context.Context, r io.Reader) io.Reader { return ctxReader{ctx, r} }

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
