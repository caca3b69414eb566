package dashboard_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/dashboard"
	"github.com/hearth-community/hearth/bot/memstore"
)

const community = "shell:local"

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// rig is a core with the dashboard only, on a memstore at a manual clock:
// carol is a configured facilitator, alice and bob members, dave a
// workspace admin (as the directory says).
type rig struct {
	t     *testing.T
	core  *bot.Bot
	dash  *dashboard.Module
	store *memstore.Store
	clock *bot.ManualClock
}

func newRig(t *testing.T, cfg dashboard.Config) *rig {
	t.Helper()
	clock := bot.NewManualClock(t0)
	s := memstore.New(clock)
	if err := s.AddMembers(community, bot.Member{ID: "alice", Name: "Alice"}, bot.Member{ID: "bob", Name: "Bob"},
		bot.Member{ID: "carol", Name: "Carol"}, bot.Member{ID: "dave", Name: "Dave", Admin: true}); err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, store: s, clock: clock}
	r.core, r.dash = instance(t, s, clock, cfg)
	return r
}

// instance is a Hearth on store s: a core with carol as facilitator and
// the dashboard registered.
func instance(t *testing.T, s *memstore.Store, clock bot.Clock, cfg dashboard.Config) (*bot.Bot, *dashboard.Module) {
	t.Helper()
	core, err := bot.New(bot.Config{Store: s, Clock: clock, Facilitators: []string{"carol"}})
	if err != nil {
		t.Fatal(err)
	}
	dash := dashboard.New(core, s, cfg)
	if err := core.Register(dash); err != nil {
		t.Fatal(err)
	}
	return core, dash
}

var public = dashboard.Config{PublicURL: "https://hearth.example.org/"}

func (r *rig) says(member, text string) bot.Reply {
	return r.core.HandleCommand(context.Background(), bot.Command{Community: community, Channel: "general", Member: member, Text: text})
}

// link issues a link for member through the API.
func (r *rig) link(member string) string {
	r.t.Helper()
	u, _, err := r.dash.IssueLink(context.Background(), community, member)
	if err != nil {
		r.t.Fatalf("IssueLink(%q): %v", member, err)
	}
	return token(r.t, u)
}

// signIn signs in with token and returns the secret.
func (r *rig) signIn(token string) string {
	r.t.Helper()
	_, secret, err := r.dash.SignIn(context.Background(), token)
	if err != nil {
		r.t.Fatalf("SignIn: %v", err)
	}
	return secret
}

// token is the token of a sign-in URL, which must be under the public URL.
func token(t *testing.T, link string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(link, "https://hearth.example.org/dashboard/signin?token=")
	if !ok {
		t.Fatalf("link %q is not under the public URL", link)
	}
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") != rest {
		t.Fatalf("link %q: the token does not survive the URL (%v)", link, err)
	}
	return rest
}

// code is err's code, "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	return bot.ErrorCode(err)
}

var linkInText = regexp.MustCompile(`https://hearth\.example\.org/dashboard/signin\?token=[A-Za-z0-9_-]{43}\n`)

// TestDashboardCommand: a facilitator (configured, added, or an admin by
// the platform's word) gets a private link; a member gets the core's
// polite refusal, and no link is kept; without a public URL the reply
// tells the operator what to set.
func TestDashboardCommand(t *testing.T) {
	want := "Your sign-in link to the dashboard, valid for 15 minutes, once (until 09:15 UTC):\n" +
		"LINK\nKeep it to yourself: whoever opens it first is signed in as you. Signed in, you stay so for 10 hours unless you sign out."
	for _, tc := range []struct {
		name     string
		cfg      dashboard.Config
		member   string
		admin    bool
		wantCode string
		wantText string
	}{
		{"a configured facilitator", public, "carol", false, "", want},
		{"an admin by the platform's word only", public, "bob", true, bot.EConflict,
			"Your platform says you administer this community, but Hearth's member list does not show it yet, and the dashboard checks that list on every visit. " +
				"Try again once Hearth has read the member list again, or ask a facilitator to add you with `/hearth facilitator add`."},
		{"an admin, by the directory", public, "dave", false, "", want},
		{"a member", public, "alice", false, bot.EForbidden,
			"Sorry, `/hearth dashboard` is for facilitators. Ask one of them (`/hearth facilitators` lists them) if you need it."},
		{"no public URL", dashboard.Config{}, "carol", false, bot.EConflict,
			"The dashboard has no address yet: the operator must set HEARTH_PUBLIC_URL to where Hearth is served (like https://hearth.example.org)."},
		{"a public URL that is none", dashboard.Config{PublicURL: "hearth.example.org"}, "carol", false, bot.EConflict,
			"The dashboard's address, HEARTH_PUBLIC_URL, is not an http(s) address like https://hearth.example.org: the operator must correct it."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.cfg)
			reply := r.core.HandleCommand(context.Background(), bot.Command{Community: community, Channel: "general",
				Member: tc.member, Admin: tc.admin, Text: "dashboard"})
			got := linkInText.ReplaceAllString(reply.Text, "LINK\n")
			if reply.Code != tc.wantCode || got != tc.wantText || !reply.Private {
				t.Errorf("reply %q (code %q, private %v)\nwant %q (code %q, private)", reply.Text, reply.Code, reply.Private, tc.wantText, tc.wantCode)
			}
			hits, err := r.store.Holding(context.Background(), tc.member)
			if err != nil {
				t.Fatal(err)
			}
			if kept := slices.Contains(hits, "dashboard_links.member_ext"); kept != (tc.wantCode == "") {
				t.Errorf("a link kept for %s: %v, want %v", tc.member, kept, tc.wantCode == "")
			}
		})
	}
}

// TestLinkWorksOnceAndExpires: a link signs in once, until (not at) 15
// minutes after it was given; on another instance too.
func TestLinkWorksOnceAndExpires(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, public)
	_, other := instance(t, r.store, r.clock, public)
	fresh, late, expired := r.link("carol"), r.link("carol"), r.link("carol")
	r.clock.Advance(15*time.Minute - time.Millisecond)
	s, secret, err := other.SignIn(ctx, fresh)
	if err != nil || secret == "" {
		t.Fatalf("SignIn on another instance: %v", err)
	}
	want := dashboard.Session{Community: community, Member: "carol", MemberName: "Carol", Started: r.clock.Now(), Expires: r.clock.Now().Add(10 * time.Hour)}
	if s != want {
		t.Errorf("session %+v, want %+v", s, want)
	}
	if _, _, err := r.dash.SignIn(ctx, late); err != nil {
		t.Errorf("a second link, still in time: %v", err)
	}
	r.clock.Advance(time.Millisecond)
	for _, tc := range []struct {
		name, token, code, says string
	}{
		{"used", fresh, bot.EConflict, "used already"},
		{"expired", expired, bot.EConflict, "has expired: links work for 15 minutes"},
		{"unknown", fresh[:42] + flip(fresh[42]), bot.ENotFound, "not one Hearth knows"},
		{"malformed", fresh[:20], bot.ENotFound, "copied whole"},
		{"empty", "", bot.ENotFound, "copied whole"},
	} {
		_, secret, err := r.dash.SignIn(ctx, tc.token)
		if code(err) != tc.code || !strings.Contains(bot.ErrorMessage(err), tc.says) || !strings.Contains(bot.ErrorMessage(err), "`/hearth dashboard`") || secret != "" {
			t.Errorf("%s: %v (secret %q); want code %s saying %q and how to get a new link", tc.name, err, secret, tc.code, tc.says)
		}
	}
}

// flip changes the last character of a token to another valid one.
func flip(c byte) string {
	if c == 'A' {
		return "Q" // the last of 43 characters carries 4 bits: A, E, I, …, Q
	}
	return "A"
}

// TestSessionLastsAWorkingDay: a session works until 10 hours after sign-in
// (or SessionTTL), on every instance, then tells why it stopped.
func TestSessionLastsAWorkingDay(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  dashboard.Config
		ttl  time.Duration
	}{
		{"default", public, 10 * time.Hour},
		{"configured", dashboard.Config{PublicURL: public.PublicURL, SessionTTL: 2 * time.Hour, LinkTTL: time.Minute}, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.cfg)
			_, other := instance(t, r.store, r.clock, tc.cfg)
			secret := r.signIn(r.link("carol"))
			r.clock.Advance(tc.ttl - time.Millisecond)
			if s, err := other.Session(ctx, secret); err != nil || s.Member != "carol" {
				t.Errorf("just before its end: %+v, %v", s, err)
			}
			r.clock.Advance(time.Millisecond)
			if _, err := r.dash.Session(ctx, secret); code(err) != bot.EForbidden || !strings.Contains(bot.ErrorMessage(err), "sessions last") {
				t.Errorf("at its end: %v", err)
			}
		})
	}
}

// TestSignOut: signing out ends that session only; signing out everywhere
// ends every session of that facilitator in that community, not others'.
func TestSignOut(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, public)
	laptop, phone, tablet := r.signIn(r.link("carol")), r.signIn(r.link("carol")), r.signIn(r.link("carol"))
	daves := r.signIn(r.link("dave"))
	if err := r.dash.SignOut(ctx, laptop); err != nil {
		t.Fatal(err)
	}
	if _, err := r.dash.Session(ctx, laptop); code(err) != bot.EForbidden || !strings.Contains(bot.ErrorMessage(err), "You signed out") {
		t.Errorf("the session signed out: %v", err)
	}
	if _, err := r.dash.Session(ctx, phone); err != nil {
		t.Errorf("another session of hers: %v", err)
	}
	for _, s := range []string{laptop, "junk", ""} {
		if err := r.dash.SignOut(ctx, s); err != nil {
			t.Errorf("signing out again, or of nothing: %v", err)
		}
	}
	if err := r.dash.SignOutEverywhere(ctx, laptop); code(err) != bot.EForbidden {
		t.Errorf("everywhere, from a session that ended: %v, want it refused", err)
	}
	if err := r.dash.SignOutEverywhere(ctx, phone); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{phone, tablet} {
		if _, err := r.dash.Session(ctx, s); code(err) != bot.EForbidden {
			t.Errorf("a session of hers after signing out everywhere: %v", err)
		}
	}
	if s, err := r.dash.Session(ctx, daves); err != nil || s.Member != "dave" {
		t.Errorf("Dave's session: %+v, %v", s, err)
	}
}

// TestNoLongerFacilitator: a facilitator removed with /hearth facilitator
// remove loses their links and sessions at once; so does one forgotten.
func TestNoLongerFacilitator(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, public)
	if reply := r.says("carol", "facilitator add @alice"); reply.Code != "" {
		t.Fatal(reply.Text)
	}
	secret := r.signIn(r.link("alice"))
	pending := r.link("alice")
	if s, err := r.dash.Session(ctx, secret); err != nil || s.MemberName != "Alice" {
		t.Fatalf("while a facilitator: %+v, %v", s, err)
	}
	if reply := r.says("carol", "facilitator remove @alice"); reply.Code != "" {
		t.Fatal(reply.Text)
	}
	if _, err := r.dash.Session(ctx, secret); code(err) != bot.EForbidden || !strings.Contains(bot.ErrorMessage(err), "not a facilitator") {
		t.Errorf("the session after removal: %v", err)
	}
	if _, _, err := r.dash.SignIn(ctx, pending); code(err) != bot.EForbidden {
		t.Errorf("the link after removal: %v", err)
	}

	daves := r.signIn(r.link("dave"))
	if err := r.core.ForgetMember(ctx, community, "dave"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.dash.Session(ctx, daves); code(err) != bot.EForbidden || !strings.Contains(bot.ErrorMessage(err), "not signed in") {
		t.Errorf("a forgotten member's session: %v", err)
	}
}

// TestOperatorLink: `hearth dashboard` signs the operator in, whoever the
// facilitators are.
func TestOperatorLink(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, public)
	s, secret, err := r.dash.SignIn(ctx, r.link(""))
	want := dashboard.Session{Community: community, Started: t0, Expires: t0.Add(10 * time.Hour), Operator: true}
	if err != nil || s != want {
		t.Fatalf("SignIn: %+v, %v; want %+v", s, err, want)
	}
	r.clock.Advance(time.Hour)
	if s, err := r.dash.Session(ctx, secret); err != nil || s != want {
		t.Errorf("Session: %+v, %v", s, err)
	}
	if err := r.dash.SignOutEverywhere(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := r.dash.Session(ctx, secret); code(err) != bot.EForbidden {
		t.Errorf("after signing out: %v", err)
	}
}

// TestOnlyHashesAreKept: the store holds the hashes of the link's token
// and the session's secret, never the raw values.
func TestOnlyHashesAreKept(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, public)
	tok := r.link("carol")
	secret := r.signIn(tok)
	hash := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	if hits, err := r.store.Holding(ctx, tok, secret); err != nil || len(hits) != 0 {
		t.Errorf("raw token or secret kept in %v (%v)", hits, err)
	}
	hits, err := r.store.Holding(ctx, hash(tok), hash(secret))
	if err != nil || !slices.Equal(hits, []string{"dashboard_links.token_hash", "dashboard_sessions.secret_hash"}) {
		t.Errorf("hashes kept in %v (%v), want the links' and sessions' hash columns", hits, err)
	}
}

// TestCookie: the session cookie is for the dashboard's pages only, not
// for scripts, sent on the link's cross-site navigation, and Secure under
// HTTPS; the empty one deletes it.
func TestCookie(t *testing.T) {
	exp := t0.Add(10 * time.Hour)
	for _, secure := range []bool{false, true} {
		c := dashboard.Cookie("s3cret", exp, secure)
		want := http.Cookie{Name: "hearth_session", Value: "s3cret", Path: "/dashboard/", Expires: exp, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
		if c.String() != want.String() || c.Expires != exp {
			t.Errorf("Cookie(secure %v) = %s, want %s", secure, c, &want)
		}
	}
	if c := dashboard.Cookie("", exp, true); c.MaxAge >= 0 || !c.HttpOnly || c.Path != "/dashboard/" {
		t.Errorf("the deleting cookie: %s", c)
	}
}

// TestSignInLimiter: an address gets a burst of perMinute attempts, then
// one every 60/perMinute seconds; each address has its own.
func TestSignInLimiter(t *testing.T) {
	clock := bot.NewManualClock(t0)
	l := dashboard.NewSignInLimiter(clock, 10)
	for i := range 10 {
		if !l.Allow("192.0.2.1") {
			t.Fatalf("attempt %d of the burst refused", i+1)
		}
	}
	if l.Allow("192.0.2.1") {
		t.Error("an 11th attempt at once allowed")
	}
	if !l.Allow("192.0.2.2") {
		t.Error("another address refused")
	}
	clock.Advance(5 * time.Second)
	if l.Allow("192.0.2.1") {
		t.Error("allowed again after 5s, want 6s")
	}
	clock.Advance(time.Second)
	if !l.Allow("192.0.2.1") || l.Allow("192.0.2.1") {
		t.Error("want exactly one attempt more after 6s")
	}
	clock.Advance(time.Hour)
	for i := range 10 {
		if !l.Allow("192.0.2.1") {
			t.Fatalf("after an hour, attempt %d refused: the burst is back whole", i+1)
		}
	}
	if l.Allow("192.0.2.1") {
		t.Error("the burst grew beyond 10 while idle")
	}
}

// TestLinkOpenedTwiceAtOnce: of many sign-ins with one link at once, on
// two instances, exactly one starts a session.
func TestLinkOpenedTwiceAtOnce(t *testing.T) {
	r := newRig(t, public)
	_, other := instance(t, r.store, r.clock, public)
	tok := r.link("carol")
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := r.dash
			if i%2 == 1 {
				d = other
			}
			if _, _, err := d.SignIn(context.Background(), tok); err == nil {
				won.Add(1)
			} else if code(err) != bot.EConflict {
				t.Errorf("a losing sign-in: %v, want the link used already", err)
			}
		}()
	}
	wg.Wait()
	if won.Load() != 1 {
		t.Errorf("%d sign-ins won, want 1", won.Load())
	}
}
