package neardup_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/neardup/neardup"
)

func Example() {
	d, err := neardup.New(neardup.Options{KeepShingles: true})
	if err != nil {
		panic(err)
	}
	wire := "Les États-Unis sont profondément préoccupés par les informations faisant état " +
		"de violents combats entre l'Arménie et l'Azerbaïdjan, a déclaré mardi le secrétaire d'État " +
		"américain Antony Blinken dans un communiqué."
	reprint := "Les Etats-Unis sont profondément préoccupés par les informations faisant état " +
		"de violents combats entre l’Arménie et l’Azerbaïdjan, a déclaré mardi le secrétaire d’État " +
		"américain Antony Blinken dans un communiqué publié à Washington."
	other := "Le Premier ministre arménien Nikol Pashinyan a convoqué une réunion du Conseil de sécurité."

	for _, doc := range []struct{ id, text string }{{"afp-1", wire}, {"site-2", other}, {"site-3", reprint}} {
		res, err := d.AddString(doc.id, doc.text)
		if err != nil {
			panic(err)
		}
		if m, ok := res.Duplicate(0.8); ok {
			fmt.Printf("%s: duplicate of %s (Jaccard %.2f)\n", doc.id, m.ID, m.Jaccard)
		} else {
			fmt.Printf("%s: new\n", doc.id)
		}
	}
	// Output:
	// afp-1: new
	// site-2: new
	// site-3: duplicate of afp-1 (Jaccard 0.91)
}

func ExampleDetector_Clusters() {
	d, _ := neardup.New(neardup.Options{KeepShingles: true})
	base := "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt"
	d.AddString("a", base)
	d.AddString("b", "Dépêche : "+base)
	d.AddString("c", "autre chose entièrement, sans rapport avec les nombres")
	d.AddString("d", base+" !")
	for _, c := range d.Clusters() {
		fmt.Println(c.Representative, c.Members, len(c.Links), "links")
	}
	// Output: a [a b d] 3 links
}

func ExampleSigner() {
	s, _ := neardup.NewSigner(neardup.Options{})
	// 14 tokens, 10 shingles each; "douze" vs "12" changes 5 of them: exact Jaccard 5/15.
	a := s.SignString("Le ministère arménien de la Défense a annoncé que douze militaires avaient été capturés.")
	simA, sigA := a.SimHash, a.MinHash.Clone()
	b := s.SignString("Le ministère arménien de la Défense a annoncé que 12 militaires avaient été capturés.")
	fmt.Printf("estimated Jaccard %.2f, SimHash distance %d bits\n", sigA.Jaccard(b.MinHash), bitsDiff(simA, b.SimHash))
	// Output: estimated Jaccard 0.29, SimHash distance 22 bits
}

func bitsDiff(a, b uint64) int {
	n := 0
	for x := a ^ b; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// A Stage on the embedded store: of the same article received by four
// workers at once under four IDs, exactly one is new.
func ExampleStage() {
	store, err := neardup.New(neardup.Options{})
	if err != nil {
		panic(err)
	}
	st, err := neardup.NewStage(store)
	if err != nil {
		panic(err)
	}
	text := "Les États-Unis sont profondément préoccupés par les informations faisant état " +
		"de violents combats entre l'Arménie et l'Azerbaïdjan, a déclaré mardi Antony Blinken."
	at := time.Date(2022, 9, 13, 8, 0, 0, 0, time.UTC)
	decisions := make([]neardup.Decision, 4)
	var wg sync.WaitGroup
	for w := range decisions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := st.AddString(context.Background(), fmt.Sprintf("site-%d", w), text, at)
			if err != nil {
				panic(err)
			}
			decisions[w] = d
		}()
	}
	wg.Wait()
	news := 0
	for _, d := range decisions {
		if d.New {
			news++
		} else if d.Score != 1 {
			panic("not an exact copy")
		}
	}
	fmt.Println("new:", news, "duplicates:", len(decisions)-news)

	// A retry of an ID (after a timeout, say) gets the same answer.
	again, _ := st.AddString(context.Background(), "site-0", text, at)
	fmt.Println("retry:", again.Existing, again.New == decisions[0].New)
	// Output:
	// new: 1 duplicates: 3
	// retry: true true
}

// A desk reprints a wire story with a word changed, two dropped and a
// "Lire aussi" line added in the middle: one passage, with its identity
// and edits.
func ExampleDetector_editedPassage() {
	wire := "Le ministère de la Santé a annoncé mardi que la campagne de vaccination contre la grippe commencerait le 15 octobre dans toutes les pharmacies du pays, avec une priorité pour les personnes âgées de plus de 65 ans et les soignants. " +
		"Les doses seront livrées dès la fin du mois de septembre, a précisé le ministère dans un communiqué."
	desk := "Une campagne attendue. Le ministère de la Santé a annoncé mardi que la campagne de vaccination contre la grippe débuterait le 15 octobre dans toutes les pharmacies, avec une priorité pour les personnes âgées de plus de 65 ans et les soignants.\n\n" +
		"Lire aussi : Les pharmacies face à la pénurie de médicaments\n\n" +
		"Les doses seront livrées dès la fin du mois de septembre, a précisé le ministère dans un communiqué. Notre journal suivra la campagne."
	d, _ := neardup.New(neardup.Options{Passages: true})
	d.AddString("wire", wire)
	res, _ := d.AddString("desk", desk)
	for _, p := range res.Passages {
		fmt.Printf("%s [%d, %d) ~ [%d, %d): %d words, identity %.2f, %d substituted, %d inserted, %d deleted\n",
			p.OtherID, p.Start, p.End, p.OtherStart, p.OtherEnd, p.Words, p.Identity, p.Substituted, p.Inserted, p.Deleted)
	}
	// The ten words of the inserted line count as one position of the
	// alignment: identity 56/(56+1+1+2), 56 words matched.
	// Output:
	// wire [23, 422) ~ [0, 342): 67 words, identity 0.93, 1 substituted, 10 inserted, 2 deleted
}
