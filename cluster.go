package neardup

import "slices"

// Link is one verified near-duplicate pair that joins a cluster.
type Link struct {
	// A is the earlier document, B the later one (in the order added).
	A, B string
	// Jaccard is the similarity measured when B was added.
	Jaccard float64
}

// Cluster is a group of documents connected by near-duplicate links. The
// grouping is transitive: A~B and B~C put A, B and C in one cluster even when
// A and C are not similar themselves; Links tells which pairs join it.
type Cluster struct {
	// Representative is the earliest added member. When it is removed, the
	// next-earliest member takes its place.
	Representative string
	// Members are the IDs of the documents in the order they were added,
	// the representative first.
	Members []string
	// Links are the pairs that join the cluster, in the order found.
	Links []Link
}

// Clusters returns the clusters of two or more documents, ordered by their
// representative's insertion order. A document belongs to a cluster when it
// was found to match (Jaccard at least Options.Threshold) a document that was
// indexed before it and is still indexed.
func (d *Detector) Clusters() []Cluster {
	d.mu.RLock()
	defer d.mu.RUnlock()
	parent := make(map[uint32]uint32)
	var find func(x uint32) uint32
	find = func(x uint32) uint32 {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, l := range d.links {
		ra, rb := find(l.a), find(l.b)
		if ra == rb {
			continue
		}
		// The smaller number (earlier document) becomes the root.
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[ra] = ra
		parent[rb] = ra
	}
	byRoot := make(map[uint32]*Cluster)
	var roots []uint32
	members := make([]uint32, 0, len(parent))
	for x := range parent {
		members = append(members, x)
	}
	slices.Sort(members)
	for _, x := range members {
		r := find(x)
		c, ok := byRoot[r]
		if !ok {
			c = &Cluster{Representative: d.docs[r].id}
			byRoot[r] = c
			roots = append(roots, r)
		}
		c.Members = append(c.Members, d.docs[x].id)
	}
	for _, l := range d.links {
		c := byRoot[find(l.a)]
		c.Links = append(c.Links, Link{A: d.docs[l.a].id, B: d.docs[l.b].id, Jaccard: float64(l.jaccard)})
	}
	slices.Sort(roots)
	out := make([]Cluster, 0, len(roots))
	for _, r := range roots {
		out = append(out, *byRoot[r])
	}
	return out
}
