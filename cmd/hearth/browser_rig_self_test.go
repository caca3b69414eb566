package main

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The rig's own test: on tiny pages served here, the browser navigates,
// reads, clicks, lays out at both widths, screenshots, and axe-core both
// passes a careful page and catches a careless one.

// rigStrictCSP is as strict as the dashboard's: no script may run at all,
// and styles come only from stylesheets.
const rigStrictCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

const rigGoodPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rig: members</title><link rel="stylesheet" href="/rig.css"></head>
<body><header><nav aria-label="Pages"><a href="/next">Next page</a></nav></header>
<main><h1>Members</h1>
<p>Active members: <strong data-figure="active">42</strong></p>
<table><caption>Members by level</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Level</th></tr></thead>
<tbody><tr><td>Ada</td><td>leading</td></tr><tr><td>Grace</td><td>observing</td></tr></tbody></table>
<form action="/next" method="get"><label for="q">Search</label> <input id="q" name="q"> <button type="submit">Go</button></form>
<details><summary>More</summary><p>Hidden until asked.</p></details>
<div class="tall">tall content</div>
</main></body></html>`

// rigBadPage has serious and critical faults: an image with no text, a
// button with no name, a field with no label, grey on grey.
const rigBadPage = `<!doctype html>
<html><head><title>Rig: careless</title><link rel="stylesheet" href="/rig.css"></head>
<body><img src="/chart.png">
<button></button>
<input type="text">
<p class="faint">hard to read</p>
</body></html>`

func TestBrowserRig(t *testing.T) {
	b := startBrowser(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", rigStrictCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, rigGoodPage)
		case "/rig.css":
			w.Header().Set("Content-Type", "text/css")
			fmt.Fprint(w, ".tall { height: 1500px } .faint { color: #bbb; background: #ccc }")
		case "/next":
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Next</title></head><body><main><h1>Next</h1><p id="q">%s</p></main></body></html>`, html.EscapeString(r.URL.Query().Get("q")))
		case "/bad":
			fmt.Fprint(w, rigBadPage)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	if code := b.navigate(srv.URL + "/"); code != 200 {
		t.Errorf("status = %d", code)
	}
	if code := b.navigate(srv.URL + "/missing"); code != 404 {
		t.Errorf("status of a missing page = %d, want 404", code)
	}
	b.navigate(srv.URL + "/")
	if got := b.text("[data-figure=active]"); got != "42" {
		t.Errorf("figure = %q, want 42", got)
	}
	if got := b.texts("tbody td:first-child"); strings.Join(got, ",") != "Ada,Grace" {
		t.Errorf("names = %q", got)
	}
	if got := b.attrs("[data-figure]", "data-figure"); len(got) != 1 || got[0] != "active" {
		t.Errorf("data-figure attributes = %q", got)
	}
	// The page forbids every script, yet axe (evaluated through DevTools)
	// runs and finds nothing serious on a careful page.
	b.auditAccessibility("careful page")
	if h := b.html(); !strings.Contains(h, "<td>Grace</td>") {
		t.Errorf("page's HTML lacks a row: %s", h)
	}
	// A click that navigates nowhere: it opens a disclosure.
	b.click("details summary")
	if got := b.attrs("details[open]", "open"); len(got) != 1 {
		t.Errorf("details not opened by the click")
	}

	for _, v := range []viewport{desktopWidth, phoneWidth} {
		b.emulate(v)
		b.navigate(srv.URL + "/")
		if w := browserRunInt(b, `document.documentElement.clientWidth`); w != v.width {
			t.Errorf("%s: laid out %d wide, want %d", v.name, w, v.width)
		}
		path := b.screenshot("careful", v)
		img := decodePNG(t, path)
		scale := int64(1)
		if v.mobile {
			scale = 2
		}
		if got := int64(img.Bounds().Dx()); got != v.width*scale {
			t.Errorf("%s screenshot is %d px wide, want %d", v.name, got, v.width*scale)
		}
		if got := int64(img.Bounds().Dy()); got <= v.height*scale {
			t.Errorf("%s screenshot is %d px tall: not the full page (the page is over 1500 px)", v.name, got)
		}
	}
	b.emulate(desktopWidth)

	// A form submitted by clicking, and a link followed.
	b.navigate(srv.URL + "/")
	b.do("type a search", chromedp.SendKeys(chromedp.CSS("#q"), "a<b"))
	if code := b.follow("button[type=submit]"); code != 200 {
		t.Errorf("status after submitting = %d", code)
	}
	if got := b.location(); got != srv.URL+"/next?q=a%3Cb" {
		t.Errorf("after submitting: at %s", got)
	}
	if got := b.text("#q"); got != "a<b" {
		t.Errorf("search echoed as %q", got)
	}
	b.navigate(srv.URL + "/")
	b.follow("nav a")
	if got := b.text("h1"); got != "Next" {
		t.Errorf("after following the link: h1 %q", got)
	}

	// A careless page: the audit catches each fault.
	b.navigate(srv.URL + "/bad")
	found := map[string]string{}
	for _, v := range seriousViolations(b.axeAudit()) {
		found[v.ID] = v.Impact
		if !strings.Contains(describeViolation(v), v.HelpURL) {
			t.Errorf("description of %s lacks its help link", v.ID)
		}
	}
	for _, id := range []string{"image-alt", "button-name", "label", "color-contrast"} {
		if found[id] == "" {
			t.Errorf("axe did not report %s as serious or critical on the careless page; found %v", id, found)
		}
	}
}

func seriousViolations(vs []axeViolation) []axeViolation {
	var out []axeViolation
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out
}

func browserRunInt(b *browser, js string) int64 {
	b.t.Helper()
	return browserRun(b, js, chromedp.Evaluate[int64](js))
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
