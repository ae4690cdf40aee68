package build

import "pinwheel.dev/pinwheel/internal/attest"

// cacheStats is the run's cache use by kind: wheels and the dependencies
// layer as counted while building, .debs and the Debian base's layers from
// its assembly (a registry base pulls nothing pinwheel caches).
func (in *inputs) cacheStats() *attest.CacheStats {
	c := in.cache
	if d := in.debian; d != nil {
		c.Debs.Hits, c.Debs.Misses = d.Cached, d.Fetched
		c.Layers.Hits += d.LayersCached
		c.Layers.Misses += 2 - d.LayersCached
	}
	return &c
}
