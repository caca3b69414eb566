package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/store"
)

// The dashboard end to end, in a real browser: a simulated community's
// database, the dashboard served by the handler `hearth run` mounts, a
// sign-in link asked for in chat (the shell), every page opened, looked at
// and audited at a laptop's and a phone's width, the figures held to
// `hearth report`'s, the members table sorted and filtered by clicking, and
// every way in that must be refused, refused.

// dashboardPages are every page of the dashboard, by path under /dashboard/.
var dashboardPages = []struct{ path, name string }{
	{"", "overview"}, {"members", "members"}, {"channels", "channels"}, {"prompts", "prompts"},
	{"checkins", "checkins"}, {"events", "events"}, {"intros", "intros"}, {"library", "library"},
	{"stories", "stories"}, {"impact", "impact"},
}

var signinLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+/dashboard/signin\?token=[A-Za-z0-9_-]+`)

// dashboardRig is a simulated community's database and the dashboard
// serving it on a clock the test moves.
type dashboardRig struct {
	db    string
	base  string // the dashboard's public URL
	clock *bot.ManualClock
	// now is when the simulated history ends and the chat asks for links;
	// the dashboard's clock starts a minute later. It is the wall clock's
	// hour, not a fixed date: the browser keeps cookies by its own clock, and
	// drops one whose expiry (the session's, on the injected clock) has
	// passed.
	now time.Time
}

func startDashboardRig(t *testing.T) *dashboardRig {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Hour)
	r := &dashboardRig{db: filepath.Join(t.TempDir(), "hearth.db"), now: now, clock: bot.NewManualClock(now.Add(time.Minute))}
	// A year of history, so the twelve-month chart has twelve months.
	hearthOK(t, nil, "", "simulate", "--db", r.db, "--until", r.now.Format(time.RFC3339),
		"--members", "60", "--days", "400", "--seed", "7")

	srv := httptest.NewUnstartedServer(nil)
	r.base = "http://" + srv.Listener.Addr().String()
	// carol facilitates, here as in the shell that asks for the links.
	vars := map[string]string{"HEARTH_TZ": "UTC", "HEARTH_PUBLIC_URL": r.base, "HEARTH_FACILITATORS": "carol"}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB = r.db
	db, err := store.Open(context.Background(), r.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := newLogger(io.Discard, cfg.LogLevel)
	core, err := newCore(db, cfg, r.clock, log)
	if err != nil {
		t.Fatal(err)
	}
	h, err := dashboardHandler(core, db, cfg.PublicURL, log)
	if err != nil {
		t.Fatal(err)
	}
	// As `hearth run` serves it: on the operator's endpoint, within its limits.
	srv.Config = newHTTPServer(operatorMux(db, core, dashboardRoutes(nil, h), nil), defaultHTTPLimits)
	srv.Start()
	t.Cleanup(srv.Close)
	return r
}

// chat plays script in the shell on the rig's database, carol facilitating,
// with the dashboard's address set, and returns what the shell printed.
func (r *dashboardRig) chat(t *testing.T, script string) string {
	t.Helper()
	vars := map[string]string{"HEARTH_TZ": "UTC", "HEARTH_PUBLIC_URL": r.base}
	return hearthOK(t, vars, script, "shell", "--db", r.db, "--clock", r.now.Format(time.RFC3339), "--facilitator", "carol")
}

// report is `hearth report --format json` for the period its flags say, as
// of the dashboard's clock, decoded.
func (r *dashboardRig) report(t *testing.T, period ...string) map[string]any {
	t.Helper()
	args := append([]string{"report", "--db", r.db, "--now", r.clock.Now().Format(time.RFC3339), "--format", "json"}, period...)
	out := hearthOK(t, map[string]string{"HEARTH_TZ": "UTC"}, "", args...)
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	return rep
}

// jsonNumber is the number at a dotted path ("members.active") of a
// decoded JSON document.
func jsonNumber(doc map[string]any, path string) (float64, bool) {
	var cur any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return 0, false
		}
		if cur, ok = m[k]; !ok {
			return 0, false
		}
	}
	n, ok := cur.(float64)
	return n, ok
}

// funnelStep is a step of the overview's funnel, the members at a level or
// above, from the report's levels: "funnel.contributing" is leading plus
// contributing.
func funnelStep(rep map[string]any, key string) (float64, bool) {
	level, ok := strings.CutPrefix(key, "funnel.")
	if !ok {
		return 0, false
	}
	var sum float64
	for _, l := range []string{"leading", "contributing", "participating", "observing"} {
		n, ok := jsonNumber(rep, "levels."+l)
		if !ok {
			return 0, false
		}
		sum += n
		if l == level {
			return sum, true
		}
	}
	return 0, false
}

// figureValue reads a data-figure element's number: its data-value, else
// its text without thousands separators.
func figureValue(value, text string) (float64, bool) {
	s := value
	if s == "" {
		s = strings.NewReplacer(",", "", "\u202f", "", " ", "").Replace(text)
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// checkFigures holds every data-figure on the page to the report's value at
// the same path.
func checkFigures(t *testing.T, b *browser, rep map[string]any, what string) {
	t.Helper()
	keys := b.attrs("[data-figure]", "data-figure")
	values := b.attrs("[data-figure]", "data-value")
	texts := b.texts("[data-figure]")
	if len(keys) < 4 {
		t.Errorf("%s: only %d figures marked with data-figure: %q", what, len(keys), keys)
	}
	for i, key := range keys {
		got, ok := figureValue(values[i], texts[i])
		if !ok {
			t.Errorf("%s: figure %s reads %q (data-value %q): not a number", what, key, texts[i], values[i])
			continue
		}
		want, ok := jsonNumber(rep, key)
		if !ok {
			want, ok = funnelStep(rep, key)
		}
		if !ok {
			t.Errorf("%s: figure %s is not a number in hearth report's JSON", what, key)
			continue
		}
		if got != want {
			t.Errorf("%s: figure %s = %v, hearth report says %v", what, key, got, want)
		}
	}
}

func TestDashboardInABrowser(t *testing.T) {
	b := startBrowser(t) // first: without Chromium the test skips before any work
	began := time.Now()
	r := startDashboardRig(t)

	// Links from chat: carol facilitates and gets two; bob does not, and
	// gets a refusal without one.
	out := r.chat(t, "carol: /hearth dashboard\ncarol: /hearth dashboard\nbob: /hearth dashboard\n")
	links := signinLink.FindAllString(out, -1)
	if len(links) != 2 || links[0] == links[1] {
		t.Fatalf("want two different sign-in links in carol's replies; the shell printed:\n%s", out)
	}
	_, bobs, _ := strings.Cut(out, "bob (")
	if bobs == "" || strings.Contains(bobs, "/dashboard/signin") || !strings.Contains(bobs, "for facilitators") {
		t.Errorf("bob, a member, must be refused without a link; the shell printed:\n%s", out)
	}

	// Signing in: the link's page has a button; pressing it starts the
	// session and opens the overview.
	if code := b.navigate(links[0]); code != 200 {
		t.Errorf("sign-in page: status %d", code)
	}
	b.auditAccessibility("sign-in page")
	if code := b.follow("form[action='/dashboard/signin'] button"); code != 200 {
		t.Fatalf("signing in: status %d: %s", code, b.text("main"))
	}
	if got := b.location(); got != r.base+"/dashboard/" {
		t.Fatalf("after signing in: at %s: %s", got, b.text("main"))
	}

	// The overview's figures are the report's, for the default period and
	// another picked.
	checkFigures(t, b, r.report(t, "--period", "30d"), "overview (30 days)")
	b.follow(".picker .presets li:nth-child(3) a") // 90 days
	if !strings.HasSuffix(b.location(), "period=90d") {
		t.Errorf("picking 90 days: at %s", b.location())
	}
	checkFigures(t, b, r.report(t, "--period", "90d"), "overview (90 days)")
	// A range of dates, typed into the picker's form.
	from, to := r.now.AddDate(0, -2, 0).Format(time.DateOnly), r.now.AddDate(0, 0, -8).Format(time.DateOnly)
	b.do("pick a range",
		chromedp.SetValue(chromedp.CSS("#period-from"), from),
		chromedp.SetValue(chromedp.CSS("#period-to"), to))
	b.follow(".picker form button[type=submit]")
	if !strings.Contains(b.location(), "from="+from) {
		t.Errorf("picking %s to %s: at %s", from, to, b.location())
	}
	checkFigures(t, b, r.report(t, "--since", from, "--until", to), "overview ("+from+" to "+to+")")

	// Every page, at both widths: served, screenshot, audited.
	for _, v := range []viewport{desktopWidth, phoneWidth} {
		b.emulate(v)
		for _, p := range dashboardPages {
			if code := b.navigate(r.base + "/dashboard/" + p.path); code != 200 {
				t.Errorf("%s at %s width: status %d: %s", p.name, v.name, code, b.text("main"))
				continue
			}
			if h1 := b.text("h1"); h1 == "" || strings.Contains(h1, "Not found") || strings.Contains(h1, "Sign in") {
				t.Errorf("%s at %s width: heading %q", p.name, v.name, h1)
			}
			if w := browserRunInt(b, `document.documentElement.scrollWidth`); w > v.width {
				t.Errorf("%s at %s width: the page is %d px wide, wider than the screen's %d", p.name, v.name, w, v.width)
			}
			b.screenshot(p.name, v)
			b.auditAccessibility(p.name + " at " + v.name + " width")
			if p.name == "overview" && v == desktopWidth && os.Getenv("HEARTH_UPDATE_SCREENSHOT") == "1" {
				updateOverviewScreenshot(t, b)
			}
		}
	}
	b.emulate(desktopWidth)

	names := checkMembersTable(t, b, r)

	// One member's page, from the table.
	b.navigate(r.base + "/dashboard/members")
	first := b.texts("#members-table tbody th.name")[0]
	if code := b.follow("#members-table tbody th.name a"); code != 200 {
		t.Errorf("member page: status %d", code)
	}
	if h1 := b.text("h1"); !strings.Contains(h1, first) {
		t.Errorf("member page of %s: heading %q", first, h1)
	}
	b.screenshot("member", desktopWidth)
	b.auditAccessibility("member page")

	// No session, no dashboard: every page answers with the sign-in page
	// and not one member's name.
	for _, p := range append(dashboardPages, struct{ path, name string }{"members.csv", "members CSV"}) {
		resp, err := http.Get(r.base + "/dashboard/" + p.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "Sign in to the dashboard") {
			t.Errorf("%s without a session: status %d, not the sign-in page:\n%.400s", p.name, resp.StatusCode, body)
		}
		for _, n := range names {
			if len(n) > 3 && strings.Contains(string(body), n) {
				t.Errorf("%s without a session shows the member name %q", p.name, n)
			}
		}
	}

	// A link works once.
	b.navigate(links[0])
	if code := b.follow("form[action='/dashboard/signin'] button"); code != http.StatusForbidden || !strings.Contains(b.text("main"), "used already") {
		t.Errorf("a used link: status %d: %s", code, b.text("main"))
	}
	// A link works for 15 minutes.
	r.clock.Advance(16 * time.Minute)
	b.navigate(links[1])
	if code := b.follow("form[action='/dashboard/signin'] button"); code != http.StatusForbidden || !strings.Contains(b.text("main"), "expired") {
		t.Errorf("an expired link: status %d: %s", code, b.text("main"))
	}

	// Signing out ends the session.
	b.navigate(r.base + "/dashboard/")
	b.follow("form.signout button[value='0']")
	if code := b.navigate(r.base + "/dashboard/members"); !strings.Contains(b.text("main"), "Sign in") {
		t.Errorf("after signing out, members: status %d: %s", code, b.text("main"))
	}
	t.Logf("dashboard in a browser: %v (screenshots in %s)", time.Since(began).Round(time.Millisecond), b.shots)
}

// checkMembersTable sorts and filters the members table by clicking, as a
// person would, and returns the names it listed.
func checkMembersTable(t *testing.T, b *browser, r *dashboardRig) []string {
	t.Helper()
	b.navigate(r.base + "/dashboard/members")
	names := b.texts("#members-table tbody th.name")
	if len(names) < 10 {
		t.Fatalf("members table lists %d members: %q", len(names), names)
	}

	// Sorting by messages, by a click on the column's header, then the
	// other way by a second click.
	col := columnIndex(t, b, "Messages")
	b.follow(`#members-table thead th:nth-child(` + strconv.Itoa(col+1) + `) a`)
	if s := b.attrs(`#members-table thead th:nth-child(`+strconv.Itoa(col+1)+`)`, "aria-sort"); len(s) != 1 || s[0] == "" {
		t.Errorf("after sorting by messages, the header's aria-sort = %q", s)
	}
	first := columnNumbers(t, b, col)
	dir := b.attrs(`#members-table thead th:nth-child(`+strconv.Itoa(col+1)+`)`, "aria-sort")[0]
	if !sortedAs(first, dir) {
		t.Errorf("sorted by messages (%s), the column reads %v", dir, first)
	}
	b.follow(`#members-table thead th:nth-child(` + strconv.Itoa(col+1) + `) a`)
	again := b.attrs(`#members-table thead th:nth-child(`+strconv.Itoa(col+1)+`)`, "aria-sort")[0]
	if again == dir || !sortedAs(columnNumbers(t, b, col), again) {
		t.Errorf("a second click: aria-sort %q then %q, column %v", dir, again, columnNumbers(t, b, col))
	}

	// Filtering to quiet members: every row is marked quiet.
	b.navigate(r.base + "/dashboard/members")
	b.do("choose quiet", chromedp.SetValue(chromedp.CSS("#members-filter"), "quiet"))
	b.follow("form.filters button[type=submit]")
	if !strings.Contains(b.location(), "filter=quiet") {
		t.Errorf("filtering: at %s", b.location())
	}
	for i, note := range b.texts("#members-table tbody td:last-child") {
		if !strings.Contains(note, "quiet") {
			t.Errorf("filtered to quiet, row %d's notes read %q", i+1, note)
		}
	}

	// Searching by a name.
	b.navigate(r.base + "/dashboard/members")
	want := names[len(names)/2]
	b.do("type a name", chromedp.SendKeys(chromedp.CSS("#members-q"), want))
	b.follow("form.filters button[type=submit]")
	found := b.texts("#members-table tbody th.name")
	if !slices.Contains(found, want) {
		t.Errorf("searching %q lists %q", want, found)
	}
	for _, n := range found {
		if !strings.Contains(strings.ToLower(n), strings.ToLower(want)) {
			t.Errorf("searching %q also lists %q", want, n)
		}
	}
	return names
}

// columnIndex is the index of the members table's column headed label.
func columnIndex(t *testing.T, b *browser, label string) int {
	t.Helper()
	for i, h := range b.texts("#members-table thead th") {
		if strings.HasPrefix(h, label) {
			return i
		}
	}
	t.Fatalf("no column %q in %q", label, b.texts("#members-table thead th"))
	return 0
}

// columnNumbers reads column i of the members table's rows as numbers.
func columnNumbers(t *testing.T, b *browser, i int) []float64 {
	t.Helper()
	var out []float64
	for _, s := range b.texts(`#members-table tbody tr > :nth-child(` + strconv.Itoa(i+1) + `)`) {
		n, ok := figureValue("", s)
		if !ok {
			t.Fatalf("column %d holds %q, not a number", i, s)
		}
		out = append(out, n)
	}
	return out
}

func sortedAs(xs []float64, dir string) bool {
	switch dir {
	case "ascending":
		return slices.IsSorted(xs)
	case "descending":
		r := slices.Clone(xs)
		slices.Reverse(r)
		return slices.IsSorted(r)
	}
	return false
}

// overviewScreenshotMax bounds docs/dashboard-overview.png, which the README
// shows: a screenshot, not a weight on every clone.
const overviewScreenshotMax = 300 << 10

// updateOverviewScreenshot writes the overview as a laptop shows it, the
// first screenful, to docs/dashboard-overview.png
// (HEARTH_UPDATE_SCREENSHOT=1).
func updateOverviewScreenshot(t *testing.T, b *browser) {
	t.Helper()
	// The first screenful of a taller laptop screen: the figures and the
	// year's chart.
	b.emulate(viewport{name: "docs", width: desktopWidth.width, height: 1100})
	png := browserRun(b, "screenshot the overview", chromedp.CaptureScreenshot())
	b.emulate(desktopWidth)
	if len(png) > overviewScreenshotMax {
		t.Fatalf("the overview's screenshot is %d bytes, over %d", len(png), overviewScreenshotMax)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "dashboard-overview.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
