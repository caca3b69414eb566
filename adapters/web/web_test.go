package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/web"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/features"
)

// fakeAuth is a sign-in service in memory: tokens work once.
type fakeAuth struct {
	mu       sync.Mutex
	tokens   map[string]web.Session
	used     map[string]bool
	sessions map[string]web.Session
	signIns  int
}

var (
	_ web.Auth = (*fakeAuth)(nil)
	// What cmd wires: the store every feature reads is the pages' too.
	_ web.SourceStore = features.Store(nil)
)

func newFakeAuth() *fakeAuth {
	return &fakeAuth{tokens: map[string]web.Session{}, used: map[string]bool{}, sessions: map[string]web.Session{}}
}

func (a *fakeAuth) SignIn(_ context.Context, token string) (web.Session, string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.signIns++
	s, ok := a.tokens[token]
	if !ok || a.used[token] {
		return web.Session{}, "", bot.Errorf(bot.EForbidden, "This sign-in link was used already or has expired.")
	}
	a.used[token] = true
	secret := "secret-" + token
	a.sessions[secret] = s
	return s, secret, nil
}

func (a *fakeAuth) Session(_ context.Context, secret string) (web.Session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s, ok := a.sessions[secret]
	if !ok {
		return web.Session{}, bot.Errorf(bot.EForbidden, "You are not signed in. Type /hearth dashboard for a link.")
	}
	return s, nil
}

func (a *fakeAuth) SignOut(_ context.Context, secret string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, secret)
	return nil
}

func (a *fakeAuth) SignOutEverywhere(_ context.Context, secret string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[secret]
	for k, o := range a.sessions {
		if o.Member == s.Member {
			delete(a.sessions, k)
		}
	}
	return nil
}

type denyAll struct{}

func (denyAll) Allow(string) bool { return false }

// rig is a dashboard on a bottest core, with carol signed in as "s1".
type rig struct {
	*bottest.Rig
	auth   *fakeAuth
	server *web.Server
}

func newRig(t testing.TB) *rig {
	t.Helper()
	r := &rig{Rig: bottest.NewCommunity(t), auth: newFakeAuth()}
	r.Clock.Set(bottest.T0.Add(60 * 24 * time.Hour))
	sess := web.Session{Community: bottest.Community, Member: "carol", MemberName: "Carol", Started: r.Clock.Now(), Expires: r.Clock.Now().Add(8 * time.Hour)}
	r.auth.tokens["tok1"] = sess
	r.auth.tokens["tok2"] = sess
	r.auth.sessions["s1"] = sess
	r.server = web.New(web.Config{Auth: r.auth, Source: web.NewSource(r.Bot, r.Store), Clock: r.Clock})
	return r
}

// get fetches path, signed in unless secret is "".
func (r *rig) get(t testing.TB, path, secret string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if secret != "" {
		req.AddCookie(&http.Cookie{Name: web.CookieName, Value: secret})
	}
	w := httptest.NewRecorder()
	r.server.ServeHTTP(w, req)
	return w.Result()
}

func (r *rig) post(t testing.TB, path string, form url.Values, secret string, headers map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if secret != "" {
		req.AddCookie(&http.Cookie{Name: web.CookieName, Value: secret})
	}
	w := httptest.NewRecorder()
	r.server.ServeHTTP(w, req)
	return w.Result()
}

func body(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// activity records a month of messages, replies and reactions.
func (r *rig) activity() {
	at := r.Clock.Now().Add(-20 * 24 * time.Hour)
	var evs []bot.Event
	for i, m := range []string{"alice", "alice", "alice", "bob", "dave"} {
		k := fmt.Sprintf("m%d", i)
		evs = append(evs, bottest.Message(m, "general", k, at.Add(time.Duration(i)*time.Hour)))
	}
	evs = append(evs, bot.Event{Kind: bot.KindReply, Community: bottest.Community, Channel: "general", Member: "bob", At: at.Add(10 * time.Hour), Key: "r1", Message: "r1", Parent: "m0"})
	evs = append(evs, bot.Event{Kind: bot.KindReaction, Community: bottest.Community, Channel: "general", Member: "carol", At: at.Add(11 * time.Hour), Key: "x1", Message: "m1"})
	r.Record(evs...)
}

var pages = []string{"/dashboard/", "/dashboard/members", "/dashboard/members/alice", "/dashboard/channels", "/dashboard/prompts",
	"/dashboard/checkins", "/dashboard/events", "/dashboard/intros", "/dashboard/library", "/dashboard/stories", "/dashboard/impact",
	"/dashboard/members.csv"}

func TestEveryPageNeedsASession(t *testing.T) {
	r := newRig(t)
	r.activity()
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			for _, secret := range []string{"", "forged"} {
				res := r.get(t, p, secret)
				b := body(t, res)
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("%s without a session (%q): status %d, want 401", p, secret, res.StatusCode)
				}
				if !strings.Contains(b, "/hearth dashboard") || strings.Contains(b, "Alice") || (secret != "") != strings.Contains(b, "You are not signed in.") {
					t.Errorf("%s without a session: not the sign-in page, or a member's name shows:\n%s", p, b)
				}
			}
			res := r.get(t, p, "s1")
			b := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s signed in: status %d\n%s", p, res.StatusCode, b)
			}
		})
	}
}

func TestTheOperatorsSessionNeedsNoMember(t *testing.T) {
	r := newRig(t)
	r.auth.sessions["op"] = web.Session{Community: bottest.Community, Operator: true, Expires: r.Clock.Now().Add(time.Hour)}
	res := r.get(t, "/dashboard/", "op")
	if b := body(t, res); res.StatusCode != 200 || !strings.Contains(b, "Signed in as <bdi>the operator</bdi>") || !strings.Contains(b, `aria-label="Dashboard pages"`) {
		t.Fatalf("%d\n%s", res.StatusCode, b)
	}
}

func TestAnExpiredSessionIsRefused(t *testing.T) {
	r := newRig(t)
	r.Clock.Advance(9 * time.Hour) // the fake keeps it; the page checks Expires too
	if res := r.get(t, "/dashboard/", "s1"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", res.StatusCode)
	}
}

func TestSignInGetDoesNotConsumeAndPostDoesOnce(t *testing.T) {
	r := newRig(t)
	for range 3 { // a link previewer, then the person
		res := r.get(t, "/dashboard/signin?token=tok1", "")
		b := body(t, res)
		if res.StatusCode != http.StatusOK || !strings.Contains(b, `name="token" value="tok1"`) || !strings.Contains(b, `method="post"`) {
			t.Fatalf("GET signin: %d\n%s", res.StatusCode, b)
		}
	}
	if r.auth.signIns != 0 {
		t.Fatalf("GET consumed the token: %d sign-ins", r.auth.signIns)
	}
	same := map[string]string{"Origin": "http://example.com"}
	res := r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", same)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/dashboard/" {
		t.Fatalf("POST signin: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == web.CookieName {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "secret-tok1" || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("cookie %+v", cookie)
	}
	if res := r.get(t, "/dashboard/", cookie.Value); res.StatusCode != http.StatusOK {
		t.Fatalf("with the new cookie: %d", res.StatusCode)
	}
	res = r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", same)
	if b := body(t, res); res.StatusCode != http.StatusForbidden || !strings.Contains(b, "used already") || len(res.Cookies()) != 0 {
		t.Fatalf("reused link: %d\n%s", res.StatusCode, b)
	}
}

func TestPostsFromElsewhereAreRefused(t *testing.T) {
	r := newRig(t)
	for _, h := range []map[string]string{nil, {"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site", "Origin": "http://example.com"}, {"Origin": "null"}} {
		if res := r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", h); res.StatusCode != http.StatusForbidden {
			t.Errorf("sign-in with %v: %d, want 403", h, res.StatusCode)
		}
		if res := r.post(t, "/dashboard/signout", nil, "s1", h); res.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out with %v: %d, want 403", h, res.StatusCode)
		}
	}
	if r.auth.signIns != 0 || r.auth.used["tok1"] {
		t.Fatal("a cross-site POST reached the sign-in service")
	}
	if res := r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", map[string]string{"Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin sign-in: %d", res.StatusCode)
	}
}

func TestSignInIsRateLimited(t *testing.T) {
	r := newRig(t)
	r.server = web.New(web.Config{Auth: r.auth, Source: web.NewSource(r.Bot, r.Store), Clock: r.Clock, Limiter: denyAll{}})
	res := r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", map[string]string{"Origin": "http://example.com"})
	if res.StatusCode != http.StatusTooManyRequests || r.auth.signIns != 0 {
		t.Fatalf("limited sign-in: %d, %d attempts reached the service", res.StatusCode, r.auth.signIns)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	r := newRig(t)
	same := map[string]string{"Origin": "http://example.com"}
	r.auth.sessions["s2"] = r.auth.sessions["s1"]
	res := r.post(t, "/dashboard/signout", url.Values{"everywhere": {"0"}}, "s1", same)
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("sign out: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	if r.get(t, "/dashboard/", "s1").StatusCode != http.StatusUnauthorized || r.get(t, "/dashboard/", "s2").StatusCode != http.StatusOK {
		t.Fatal("sign out ended the wrong sessions")
	}
	r.post(t, "/dashboard/signout", url.Values{"everywhere": {"1"}}, "s2", same)
	r.auth.sessions["s3"] = web.Session{Member: "carol"}
	r.post(t, "/dashboard/signout", url.Values{"everywhere": {"1"}}, "s3", same)
	if len(r.auth.sessions) != 0 {
		t.Fatalf("sign out everywhere left %v", r.auth.sessions)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	r := newRig(t)
	paths := append([]string{"/dashboard/signin", "/dashboard/signin?token=x", "/dashboard/nope", "/dashboard/static/dashboard.css", "/dashboard/?period=bad"}, pages...)
	for _, p := range paths {
		for _, secret := range []string{"", "s1"} {
			res := r.get(t, p, secret)
			h := res.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s (%q): headers %v", p, secret, h)
			}
			if !strings.HasPrefix(p, "/dashboard/static/") && h.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", p, h.Get("Cache-Control"))
			}
		}
	}
	res := r.post(t, "/dashboard/signin", url.Values{"token": {"tok1"}}, "", map[string]string{"Origin": "http://example.com"})
	if res.Header.Get("Content-Security-Policy") == "" {
		t.Error("POST without CSP")
	}
}

var (
	inlineScript = regexp.MustCompile(`(?i)<script|<[a-z][^>]*\s(on[a-z]+|style)=`)
	hostile      = []bot.Member{
		{ID: "h1", Name: "<script>alert(1)</script>"},
		{ID: "h2", Name: `"onmouseover="alert(2)`},
		{ID: "h3", Name: "\u202Eevil\u202C name"},
		{ID: "h4", Name: strings.Repeat("long", 75)},
		{ID: "h5", Name: "=HYPERLINK(\"http://evil\")"},
	}
)

func TestHostileNamesAreEscaped(t *testing.T) {
	r := newRig(t)
	r.AddMembers(hostile...)
	r.AddChannels(bot.Channel{ID: "evil", Name: "<img src=x onerror=alert(3)>"})
	at := r.Clock.Now().Add(-3 * 24 * time.Hour)
	for i, m := range hostile {
		r.Record(bot.Event{Kind: bot.KindMessage, Community: bottest.Community, Channel: "evil", Member: m.ID, At: at.Add(time.Duration(i) * time.Minute), Key: m.ID, Message: m.ID})
	}
	for _, p := range append(pages, "/dashboard/members/h1", "/dashboard/members/h2", "/dashboard/members?q=%3Cscript%3E", "/dashboard/members?q=%22onmouseover") {
		res := r.get(t, p, "s1")
		b := body(t, res)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d\n%s", p, res.StatusCode, b)
		}
		if strings.HasSuffix(p, ".csv") {
			continue
		}
		if strings.Contains(b, "<script>alert") || strings.Contains(b, `"onmouseover="`) || strings.Contains(b, "<img src=x") || inlineScript.MatchString(b) {
			t.Errorf("%s: a hostile name is not escaped, or something inline:\n%s", p, b)
		}
	}
	b := body(t, r.get(t, "/dashboard/members", "s1"))
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;onmouseover=&#34;alert(2)", "<bdi>\u202Eevil\u202C name</bdi>", strings.Repeat("long", 75)} {
		if !strings.Contains(b, want) {
			t.Errorf("members page lacks %q", want)
		}
	}
	rows := readCSV(t, r.get(t, "/dashboard/members.csv?q=hyperlink", "s1"))
	if len(rows) != 2 || rows[1][1] != `'=HYPERLINK("http://evil")` {
		t.Fatalf("CSV does not neutralise a formula: %q", rows)
	}
}

func readCSV(t testing.TB, res *http.Response) [][]string {
	t.Helper()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// figureValue reads the data-value of the element whose data-figure is key.
func figureValue(t testing.TB, page, key string) int {
	t.Helper()
	m := regexp.MustCompile(`data-figure="` + regexp.QuoteMeta(key) + `" data-value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no figure %s", key)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestOverviewFiguresAreTheReports(t *testing.T) {
	r := newRig(t)
	r.activity()
	now := r.Clock.Now()
	rep, err := r.Bot.Report(context.Background(), bot.ReportQuery{Community: bottest.Community, From: now.Add(-30 * 24 * time.Hour), To: now})
	if err != nil {
		t.Fatal(err)
	}
	b := body(t, r.get(t, "/dashboard/?period=30d", "s1"))
	for key, want := range map[string]int{"members.total": rep.Members.Total, "members.active": rep.Members.Active, "members.new": rep.Members.New,
		"members.quiet": rep.Members.Quiet, "activity.messages": rep.Activity.Messages, "activity.replies": rep.Activity.Replies,
		"activity.reactions": rep.Activity.Reactions, "levels.contributing": rep.Levels.Contributing, "levels.observing": rep.Levels.Observing} {
		if got := figureValue(t, b, key); got != want {
			t.Errorf("%s = %d, the report says %d", key, got, want)
		}
	}
	if rep.Activity.Messages != 5 || rep.Members.Active != 4 {
		t.Fatalf("the fixture changed: %+v", rep.Activity)
	}
	for _, want := range []string{`id="chart-participation"`, `<title id="chart-participation-title">`, "<details>", `id="chart-levels"`, `id="chart-funnel"`, `id="fig-members-active"`} {
		if !strings.Contains(b, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
}

func TestBadPeriodsAre400WithAMessage(t *testing.T) {
	r := newRig(t)
	for q, want := range map[string]string{
		"period=bad":                        "can&#39;t read the period",
		"period=0d":                         "can&#39;t read the period",
		"period=99999d":                     "three years",
		"period=2026-01-01..2026-02-01":     "from and to",
		"from=2026-01-01":                   "both a first and a last day",
		"from=2026-13-01&to=2026-12-01":     "can&#39;t read the date",
		"from=2026-03-01&to=2026-02-01":     "must end after it starts",
		"from=1000-01-01&to=9999-12-31":     "three years",
		"period=" + strings.Repeat("9", 40): "too long",
	} {
		res := r.get(t, "/dashboard/?"+q, "s1")
		b := body(t, res)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(b, want) {
			t.Errorf("%s: %d, want 400 with %q:\n%s", q, res.StatusCode, want, b)
		}
	}
	for _, q := range []string{"period=7d", "period=90d", "period=365d", "period=2w", "from=2026-11-01&to=2026-11-30"} {
		if res := r.get(t, "/dashboard/members?"+q, "s1"); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", q, res.StatusCode)
		}
	}
}

func TestUnknownMemberIs404(t *testing.T) {
	r := newRig(t)
	for _, p := range []string{"/dashboard/members/nobody", "/dashboard/members/robot", "/dashboard/nope"} {
		if res := r.get(t, p, "s1"); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, res.StatusCode)
		}
	}
}
