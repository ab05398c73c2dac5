package neardup

import (
	"slices"
	"sort"
)

// Link is one verified near-duplicate pair that joins a cluster.
type Link struct {
	// A is the earlier document, B the later one (in the order added).
	A, B string
	// Jaccard is the similarity measured when B was added.
	Jaccard float64
	// Removed is set when A or B has since been removed or evicted: the
	// link still explains why the remaining members belong together.
	Removed bool
}

// Cluster is a group of documents connected by near-duplicate links. The
// grouping is transitive: A~B and B~C put A, B and C in one cluster even when
// A and C are not similar themselves; Links tells which pairs join it.
//
// A cluster never splits: when a member is removed or evicted, the others
// stay together, and the links through the removed member are kept, marked
// Removed, for as long as one of their two documents is indexed.
type Cluster struct {
	// Representative is the earliest added member still indexed: when it is
	// removed, the next-earliest member takes its place.
	Representative string
	// Members are the IDs of the indexed documents of the cluster in the
	// order they were added, the representative first.
	Members []string
	// Links are the pairs that joined the cluster, in the order found.
	Links []Link
}

// link is a near-duplicate pair as the detector keeps it.
type link struct {
	a, b     uint32 // document numbers, a < b
	aID, bID string
	jaccard  float32
}

// clusterState is one cluster: its indexed members, ascending, and the
// links that still have an indexed end.
type clusterState struct {
	members []uint32
	links   []link
}

// joinLocked puts document num, just indexed, in one cluster with the
// documents of links (its matches at or above the threshold), merging their
// clusters. The caller holds d.mu for writing.
func (d *Detector) joinLocked(num uint32, id string, links []link) {
	if len(links) == 0 {
		return
	}
	var target uint32
	for _, l := range links {
		e := d.docs.get(l.a)
		if e.cluster == 0 {
			e.cluster = l.a + 1
			d.clusters[e.cluster] = &clusterState{members: []uint32{l.a}}
		}
		switch {
		case target == 0:
			target = e.cluster
		case e.cluster != target:
			target = d.mergeLocked(target, e.cluster)
		}
	}
	cs := d.clusters[target]
	cs.members = append(cs.members, num) // num is the largest number so far
	d.docs.get(num).cluster = target
	for _, l := range links {
		l.b, l.bID = num, id
		cs.links = append(cs.links, l)
	}
}

// mergeLocked merges clusters x and y into the larger one and returns its ID.
func (d *Detector) mergeLocked(x, y uint32) uint32 {
	cx, cy := d.clusters[x], d.clusters[y]
	if len(cx.members) < len(cy.members) {
		x, y, cx, cy = y, x, cy, cx
	}
	for _, m := range cy.members {
		d.docs.get(m).cluster = x
	}
	cx.members = append(cx.members, cy.members...)
	slices.Sort(cx.members)
	cx.links = append(cx.links, cy.links...)
	slices.SortStableFunc(cx.links, func(p, q link) int { return int(int64(p.b) - int64(q.b)) })
	delete(d.clusters, y)
	return x
}

// leaveLocked takes document num, being removed, out of its cluster. The
// caller holds d.mu for writing and has not yet marked num removed.
func (d *Detector) leaveLocked(num uint32) {
	e := d.docs.get(num)
	if e.cluster == 0 {
		return
	}
	cs := d.clusters[e.cluster]
	if i, ok := slices.BinarySearch(cs.members, num); ok {
		cs.members = slices.Delete(cs.members, i, i+1)
	}
	if len(cs.members) == 0 {
		delete(d.clusters, e.cluster)
		return
	}
	// Drop the links with no indexed end left.
	cs.links = slices.DeleteFunc(cs.links, func(l link) bool {
		return (l.a == num || !d.docs.has(l.a)) && (l.b == num || !d.docs.has(l.b))
	})
}

// Clusters returns the clusters with two or more indexed documents, ordered
// by their representative's insertion order. A document belongs to a
// cluster when, as it was added, it matched (Jaccard at least
// Options.Threshold) a document of the cluster.
func (d *Detector) Clusters() []Cluster {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []Cluster
	for _, cs := range d.clusters {
		if len(cs.members) < 2 {
			continue
		}
		c := Cluster{Representative: d.docs.get(cs.members[0]).id}
		for _, m := range cs.members {
			c.Members = append(c.Members, d.docs.get(m).id)
		}
		for _, l := range cs.links {
			c.Links = append(c.Links, Link{A: l.aID, B: l.bID, Jaccard: float64(l.jaccard),
				Removed: !d.docs.has(l.a) || !d.docs.has(l.b)})
		}
		out = append(out, c)
	}
	first := func(c Cluster) uint32 { return d.byID[c.Representative] }
	sort.Slice(out, func(i, j int) bool { return first(out[i]) < first(out[j]) })
	return out
}
