package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/neardup/neardup"
)

// -keep longest and -keep newest need to see a whole group of
// near-duplicates before choosing, and groups may span the whole input.
// They read the input twice, in bounded memory:
//
//  1. Every document is signed and added to a scratch detector (and, with
//     -dir, matched against the persistent index); its near-duplicate and
//     containment links join groups (a union-find over document numbers).
//     Per document this keeps its ID, size, date and links: no text.
//  2. Each group keeps its longest (or newest) member, the earliest on a
//     tie; the second pass writes the kept ones and adds them to the
//     index, and lists the others in -removed with the member kept.
//
// Standard input is copied to a temporary file during the first pass, for
// the second.

// member is what the first pass keeps of a document.
type member struct {
	id     string
	size   int
	date   int64
	parent int32 // union-find
	links  []link1
}

// link1 is a near-duplicate or containment link to an earlier document.
type link1 struct {
	other       int32
	jaccard     float64
	containment float64
}

func find(ms []member, i int32) int32 {
	for ms[i].parent != i {
		ms[i].parent = ms[ms[i].parent].parent
		i = ms[i].parent
	}
	return i
}

// choose runs the first pass and fills r.chosen and r.groupOf. It returns
// the inputs of the second pass.
func (r *dedupRun) choose(ctx context.Context, stdin io.Reader) ([]string, func(), error) {
	names, cleanup := r.c.names, func() {}
	var spill *os.File
	for _, n := range names {
		if n == "-" {
			f, err := os.CreateTemp("", "neardup-stdin-*.jsonl")
			if err != nil {
				return nil, cleanup, err
			}
			spill, cleanup = f, func() { f.Close(); os.Remove(f.Name()) }
			break
		}
	}
	opt := r.c.ix.options()
	opt.Passages = false // the first pass needs no passages
	scratch, err := neardup.New(opt)
	if err != nil {
		return nil, cleanup, err
	}
	persistent := r.ix != nil
	ms := make([]member, 0, 1024)
	bySeq := map[int]int32{}      // item number -> member
	byID := map[string]int32{}    // ID -> member
	oldDup := map[int]groupInfo{} // matches a document kept by an earlier run
	var known []int               // kept by an earlier run
	seen := map[string]bool{}
	cfg := readConfig{fields: r.c.fields, read: &r.read, maxBytes: r.c.maxBytes}
	if spill != nil {
		cfg.spill = spill
	}
	prog := startProgress(r.stderr, r.c.progress, inputSize(names), &r.read)
	err = r.pass(ctx, names, stdin, cfg, []*neardup.Detector{scratch, r.persistentOrNil()}, func(d *doc) error {
		prog.docs.Add(1)
		if d.err != nil || seen[d.rec.id] {
			return nil // reported by the second pass
		}
		seen[d.rec.id] = true
		if persistent && r.det.Contains(d.rec.id) {
			known = append(known, d.it.seq)
			return nil
		}
		if persistent {
			q, err := r.det.QuerySigned(d.s2)
			if err != nil {
				return err
			}
			var why removedLine
			if r.duplicate(&q, &why) {
				oldDup[d.it.seq] = groupInfo{kept: why.DuplicateOf, jaccard: why.Jaccard, containment: why.Containment, reason: why.Reason}
				return nil
			}
		}
		t := time.Now()
		if d.dated {
			t = d.date
		}
		res, err := scratch.AddSigned(d.rec.id, d.s, t)
		if err != nil {
			return fmt.Errorf("%s: %w", d.it.where(), err)
		}
		n := int32(len(ms))
		m := member{id: d.rec.id, size: d.size, date: t.UnixNano(), parent: n}
		for _, x := range res.Matches {
			c := max(x.Contained, x.Contains)
			if x.Jaccard >= r.c.ix.Threshold || r.c.ix.Containment > 0 && c >= r.c.ix.Containment {
				if o, ok := byID[x.ID]; ok {
					m.links = append(m.links, link1{other: o, jaccard: x.Jaccard, containment: x.Contained})
				}
			}
		}
		ms = append(ms, m)
		byID[d.rec.id] = n
		bySeq[d.it.seq] = n
		for _, l := range m.links {
			a, b := find(ms, n), find(ms, l.other)
			if a != b {
				ms[max(a, b)].parent = min(a, b) // the root is the earliest
			}
		}
		return nil
	})
	prog.finish()
	if err != nil {
		return nil, cleanup, err
	}
	// The member kept by each group: the longest or newest, the earliest
	// on a tie.
	best := map[int32]int32{}
	groupSize := map[int32]int{}
	for i := range ms {
		n := int32(i)
		root := find(ms, n)
		groupSize[root]++
		b, ok := best[root]
		if !ok || r.better(&ms[n], &ms[b]) {
			best[root] = n
		}
	}
	maxSeq := 0
	for seq := range bySeq {
		maxSeq = max(maxSeq, seq+1)
	}
	for _, seq := range known {
		maxSeq = max(maxSeq, seq+1)
	}
	r.chosen = make([]bool, maxSeq)
	r.groupOf = map[int]groupInfo{}
	for seq, n := range bySeq {
		root := find(ms, n)
		w := best[root]
		if w == n {
			r.chosen[seq] = true
			continue
		}
		g := groupInfo{kept: ms[w].id, reason: reasonCluster}
		for _, l := range ms[n].links { // a direct link to the kept member, if any
			if l.other == w {
				g.jaccard, g.containment = l.jaccard, l.containment
			}
		}
		for _, l := range ms[w].links {
			if l.other == n {
				g.jaccard, g.containment = l.jaccard, l.containment
			}
		}
		r.groupOf[seq] = g
	}
	for _, seq := range known {
		r.chosen[seq] = true
	}
	for seq, g := range oldDup {
		r.groupOf[seq] = g
	}
	for _, n := range groupSize {
		if n > 1 {
			r.groups++
		}
	}
	if spill != nil {
		if err := spill.Sync(); err != nil {
			return nil, cleanup, err
		}
		r.stdinFile = spill.Name()
	}
	r.read.Store(0)
	return names, cleanup, nil
}

// better reports whether a should be kept rather than b (b came first).
func (r *dedupRun) better(a, b *member) bool {
	if r.c.keep == "newest" {
		return a.date > b.date
	}
	return a.size > b.size
}

func (r *dedupRun) persistentOrNil() *neardup.Detector {
	if r.ix != nil {
		return r.det
	}
	return nil
}
