package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser rig drives a real headless Chromium through the DevTools
// protocol (chromedp): what the dashboard's end-to-end tests use to sign in,
// click, screenshot and audit pages as a person's browser shows them.

// axeScript is axe-core's browser build, committed under testdata/axe (see
// its README): tests never reach the npm registry.
//
//go:embed testdata/axe/axe.min.js
var axeScript string

// Widths the dashboard is looked at in: a laptop and a phone.
var (
	desktopWidth = viewport{name: "desktop", width: 1280, height: 800}
	phoneWidth   = viewport{name: "phone", width: 390, height: 844, mobile: true}
)

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

// browserActionTimeout bounds one step (a navigation, a click, an audit), so
// a page that never loads fails its test instead of hanging the suite.
const browserActionTimeout = 30 * time.Second

// chromiumPath is the browser the tests drive: HEARTH_TEST_CHROMIUM, or
// chromium on PATH. Without one t is skipped, saying so, or failed when
// HEARTH_REQUIRE_CHROMIUM=1 (as CI sets it, so a skip cannot pass there).
func chromiumPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("HEARTH_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser tests skipped: no chromium on PATH; install Debian's chromium or set HEARTH_TEST_CHROMIUM to a Chromium binary"
	if os.Getenv("HEARTH_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + "; HEARTH_REQUIRE_CHROMIUM=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// browser is one headless Chromium with one tab, ended when t ends.
type browser struct {
	t     *testing.T
	tab   context.Context // the chromedp context of the tab; actions derive timeouts from it
	shots string          // where screenshots are written
}

// startBrowser starts Chromium with a fresh profile in t.TempDir(), with the
// flags that keep it off the network (this machine has none: without them it
// keeps trying Google's hosts), at desktop width.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromiumPath(t)
	var tab context.Context
	// Chromium now and then exits before it answers on its pipe (about one
	// start in thirty with both cores busy, saying only "chrome failed to
	// start"): a start is tried three times, each failure logged.
	for attempt := 1; ; attempt++ {
		var err error
		if tab, err = launchChromium(t, exe); err == nil {
			break
		} else if attempt == 3 {
			t.Fatalf("start %s, three times: %v", exe, err)
		}
		t.Logf("start %s (attempt %d): %v", exe, attempt, err)
	}
	shots := os.Getenv("HEARTH_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, tab: tab, shots: shots}
	b.emulate(desktopWidth)
	return b
}

// launchChromium starts exe and opens its first tab, whose chromedp context
// it returns; the browser ends with t, or at once if it fails to start.
func launchChromium(t *testing.T, exe string) (context.Context, error) {
	profile := t.TempDir() // made before the cleanup below, so removed after Chromium exits
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(int(desktopWidth.width), int(desktopWidth.height)),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	stop := func() {
		cancelTab()
		cancelAlloc() // waits for the process to exit
	}
	// The first run starts the browser, bound to tab's life: no timeout on it
	// (a timeout would end the browser), but a watchdog for a browser that
	// never answers.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tab) }()
	select {
	case err := <-started:
		if err != nil {
			stop()
			return nil, err
		}
	case <-time.After(browserActionTimeout):
		stop()
		<-started
		return nil, fmt.Errorf("no answer in %v", browserActionTimeout)
	}
	t.Cleanup(stop)
	return tab, nil
}

// do runs steps on the tab, failing t on the first error.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, browserActionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// browserRun runs one action that returns a value, failing t on error.
func browserRun[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, browserActionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// navigate opens url, waits for its load event, and returns the HTTP
// status of the document it ends at (after redirects).
func (b *browser) navigate(url string) int64 {
	b.t.Helper()
	resp := browserRun(b, "open "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		b.t.Fatalf("browser: open %s: no response", url)
	}
	return resp.Status
}

// location is the URL the tab shows now (after any redirect).
func (b *browser) location() string {
	b.t.Helper()
	return browserRun(b, "read the location", chromedp.Location())
}

// html is the whole document as the browser has it.
func (b *browser) html() string {
	b.t.Helper()
	return browserRun(b, "read the page", chromedp.OuterHTML(chromedp.CSS("html")))
}

// text is the visible text of the first element matching css, waiting for
// it to appear.
func (b *browser) text(css string) string {
	b.t.Helper()
	return strings.TrimSpace(browserRun(b, "read "+css, chromedp.Text(chromedp.CSS(css))))
}

// texts is the text of every element matching css, in document order ([]
// when none does; it does not wait).
func (b *browser) texts(css string) []string {
	b.t.Helper()
	js := fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.textContent.trim())`, jsString(css))
	return browserRun(b, "read every "+css, chromedp.Evaluate[[]string](js))
}

// attrs is the value of attribute name on every element matching css, in
// document order.
func (b *browser) attrs(css, name string) []string {
	b.t.Helper()
	js := fmt.Sprintf(`Array.from(document.querySelectorAll(%s), e => e.getAttribute(%s) ?? "")`, jsString(css), jsString(name))
	return browserRun(b, "read "+name+" of every "+css, chromedp.Evaluate[[]string](js))
}

// click clicks the first visible element matching css as a mouse would,
// without waiting for anything it starts.
func (b *browser) click(css string) {
	b.t.Helper()
	b.do("click "+css, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// follow clicks the first visible element matching css (a link, a form's
// button) and waits until the page it leads to has loaded; it returns that
// page's HTTP status (after redirects).
func (b *browser) follow(css string) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.tab, browserActionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("browser: follow %s: %v", css, err)
	}
	if resp == nil {
		b.t.Fatalf("browser: follow %s: no response", css)
	}
	return resp.Status
}

// emulate sizes the page as v, so what follows lays out at that width.
func (b *browser) emulate(v viewport) {
	b.t.Helper()
	opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
	if v.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
	} else {
		opts[0] = chromedp.EmulateLandscape
	}
	b.do("emulate "+v.name, chromedp.EmulateViewport(v.width, v.height, opts...))
}

// screenshot writes a full-page PNG of the tab as name-<viewport>.png in the
// screenshot folder and returns its path.
func (b *browser) screenshot(name string, v viewport) string {
	b.t.Helper()
	png := browserRun(b, "screenshot "+name, chromedp.FullScreenshot(100))
	path := filepath.Join(b.shots, screenshotName(b.t.Name()+"-"+name+"-"+v.name)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func screenshotName(s string) string { return unsafeFileChars.ReplaceAllString(s, "_") }

// axeViolation is the part of one axe-core result that a person fixing the
// page needs.
type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeAudit runs axe-core on the page the tab shows and returns its
// violations of every impact. axe is evaluated through DevTools, which a
// page's Content-Security-Policy does not govern (the rig's test proves it
// on a page whose CSP forbids every script).
func (b *browser) axeAudit() []axeViolation {
	b.t.Helper()
	loaded := browserRun(b, "look for axe", chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if !loaded {
		b.do("load axe-core", chromedp.Evaluate[chromedp.Void](axeScript))
	}
	raw := browserRun(b, "run axe-core", chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe-core's answer: %v", err)
	}
	return vs
}

// auditAccessibility fails t (without stopping it) when axe-core finds a
// serious or critical violation on the page, listing each readably; minor
// and moderate ones are logged.
func (b *browser) auditAccessibility(page string) {
	b.t.Helper()
	for _, v := range b.axeAudit() {
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Errorf("accessibility, %s: %s", page, describeViolation(v))
		} else {
			b.t.Logf("accessibility (%s), %s: %s", v.Impact, page, describeViolation(v))
		}
	}
}

// describeViolation is one violation as lines a person can act on: the rule,
// its impact, what it asks, and each offending element.
func describeViolation(v axeViolation) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&s, "\n    … and %d more elements", len(v.Nodes)-i)
			break
		}
		html := n.HTML
		if len(html) > 160 {
			html = html[:160] + "…"
		}
		fmt.Fprintf(&s, "\n    at %v: %s\n      %s", n.Target, html, strings.ReplaceAll(n.FailureSummary, "\n", "\n      "))
	}
	return s.String()
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
