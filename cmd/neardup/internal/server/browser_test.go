package server

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser returns the path of a Chromium or Chrome to drive, or "".
func browser() string {
	if p := os.Getenv("NEARDUP_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowserPairView loads the review page in a headless Chromium: the
// 000/001 view highlights the Blinken quote in both columns and marks the
// doubled body of 001, and clicking the quote in 000 scrolls the column
// of 001 to its copy. The screenshot goes to the test's temporary
// directory, or to $NEARDUP_SCREENSHOT.
func TestBrowserPairView(t *testing.T) {
	exe := browser()
	if exe == "" {
		if os.Getenv("NEARDUP_REQUIRE_BROWSER") == "1" {
			t.Fatal("NEARDUP_REQUIRE_BROWSER=1 but no Chromium or Chrome found")
		}
		t.Skip("no Chromium or Chrome found (install Debian's chromium, or set NEARDUP_BROWSER): the review page is not tested in a browser")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	ts := newTestServer(t, "", Config{Token: "tok"})
	ts.post("/v1/documents", seeds(t)...)
	srv := httptest.NewServer(ts.h)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.WindowSize(1400, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/pair/000/001?token=tok"),
		chromedp.WaitVisible(`#col-b`),
	); err != nil {
		t.Fatal(err)
	}
	eval := func(js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	quoteA := eval(`[...document.querySelectorAll("#col-a mark.passage")].map(m => m.textContent).join("")`)
	quoteB := eval(`[...document.querySelectorAll("#col-b mark.passage")].map(m => m.textContent).join("")`)
	repeats := eval(`document.querySelectorAll("#col-b mark.repeat").length`).(float64)
	before := eval(`document.getElementById("col-b").scrollTop`).(float64)
	if err := chromedp.Do(ctx, chromedp.Click(`#col-a mark.passage`), chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	after := eval(`document.getElementById("col-b").scrollTop`).(float64)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	const quote = "Les États-Unis sont profondément préoccupés par les informations faisant état"
	if quoteA != quote || quoteB != quote {
		t.Errorf("highlighted passages:\n000: %q\n001: %q\nwant %q in both", quoteA, quoteB, quote)
	}
	if repeats < 3 {
		t.Errorf("%v repeat marks in 001, want its doubled body marked", repeats)
	}
	if before != 0 || after < 500 {
		t.Errorf("clicking the quote scrolled 001's column from %v to %v", before, after)
	}
	path := os.Getenv("NEARDUP_SCREENSHOT")
	if path == "" {
		path = filepath.Join(t.TempDir(), "pair.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(shot), "\x89PNG") {
		t.Errorf("the screenshot is not a PNG")
	}
	t.Logf("screenshot: %s", path)
}
