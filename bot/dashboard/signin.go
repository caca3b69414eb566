package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Session is a signed-in facilitator, or the operator.
type Session struct {
	Community string
	// Member is the facilitator's platform id; "" for the operator.
	Member string
	// MemberName is the facilitator's display name as the directory has
	// it now; "" for the operator.
	MemberName string
	Started    time.Time
	Expires    time.Time
	// Operator sessions come from `hearth dashboard`, run by whoever runs
	// Hearth: no facilitator stands behind them to check again.
	Operator bool
}

// secretBytes is the size of a link's token and a session's secret: 256
// random bits, beyond any guessing.
const secretBytes = 32

// newSecret returns a fresh random token, base64url without padding.
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hash is what the store keeps of a token or secret: its SHA-256, in hex.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// wellFormed tells whether s can be a token or secret newSecret made, so
// that junk costs no database read.
func wellFormed(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == secretBytes
}

// Messages of refusals, for people.
const (
	askAgain       = " Ask for a new link with `/hearth dashboard` in chat."
	notFacilitator = "You are not a facilitator of this community (any more), so the dashboard is closed to you."
)

// IssueLink keeps a one-time sign-in link for member, a facilitator of
// community ("" issues an operator link, for `hearth dashboard`, whose
// session is not checked against the facilitators), and returns its URL,
// PublicURL + "/dashboard/signin?token=" + token, and when it expires. The
// caller has checked that member is a facilitator. Without a PublicURL it
// is an *bot.Error telling the operator to set HEARTH_PUBLIC_URL.
func (m *Module) IssueLink(ctx context.Context, community, member string) (string, time.Time, error) {
	base, err := m.publicURL()
	if err != nil {
		return "", time.Time{}, err
	}
	if community == "" {
		return "", time.Time{}, errors.New("dashboard link: no community")
	}
	token, err := newSecret()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("dashboard link: %w", err)
	}
	now := m.clock.Now()
	l := Link{Community: community, Member: member, Created: now, Expires: now.Add(m.cfg.LinkTTL)}
	if err := m.store.SaveDashboardLink(ctx, hash(token), l); err != nil {
		return "", time.Time{}, fmt.Errorf("dashboard link: %w", err)
	}
	m.log.InfoContext(ctx, "dashboard link issued", "community", community, "member", member, "operator", member == "")
	return base + "/dashboard/signin?token=" + token, l.Expires, nil
}

// publicURL is Config.PublicURL without a trailing slash, or an *bot.Error
// when it is missing or no http(s) address.
func (m *Module) publicURL() (string, error) {
	raw := strings.TrimRight(strings.TrimSpace(m.cfg.PublicURL), "/")
	if raw == "" {
		return "", bot.Errorf(bot.EConflict, "The dashboard has no address yet: the operator must set HEARTH_PUBLIC_URL to where Hearth is served (like https://hearth.example.org).")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", bot.Errorf(bot.EConflict, "The dashboard's address, HEARTH_PUBLIC_URL, is not an http(s) address like https://hearth.example.org: the operator must correct it.")
	}
	return raw, nil
}

// SignIn consumes a link's token, once, and starts a session: it returns
// the session and its secret, for the cookie. A token unknown, used before
// or expired, or whose member is no longer a facilitator, is an *bot.Error
// saying so.
//
// Call it on a POST only (the page a GET of the link shows submits the
// token): chat platforms fetch links to preview them, and a preview must
// not spend the link.
func (m *Module) SignIn(ctx context.Context, token string) (Session, string, error) {
	if !wellFormed(token) {
		return Session{}, "", bot.Errorf(bot.ENotFound, "This sign-in link is not one Hearth gave: check that it was copied whole."+askAgain)
	}
	now := m.clock.Now()
	l, ok, err := m.store.ConsumeDashboardLink(ctx, hash(token), now)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		return Session{}, "", bot.Errorf(bot.ENotFound, "This sign-in link is not one Hearth knows (it may have been cleared away)."+askAgain)
	case err != nil:
		return Session{}, "", fmt.Errorf("dashboard sign-in: %w", err)
	case !ok && !l.Used.IsZero():
		return Session{}, "", bot.Errorf(bot.EConflict, "This sign-in link was used already: each link works once."+askAgain)
	case !ok:
		return Session{}, "", bot.Errorf(bot.EConflict, "This sign-in link has expired: links work for %s.%s", lasting(m.cfg.LinkTTL), askAgain)
	}
	if err := m.stillFacilitator(ctx, l.Community, l.Member); err != nil {
		return Session{}, "", err
	}
	secret, err := newSecret()
	if err != nil {
		return Session{}, "", fmt.Errorf("dashboard sign-in: %w", err)
	}
	rec := SessionRecord{Community: l.Community, Member: l.Member, Started: now, Expires: now.Add(m.cfg.SessionTTL)}
	if err := m.store.SaveDashboardSession(ctx, hash(secret), rec); err != nil {
		return Session{}, "", fmt.Errorf("dashboard sign-in: %w", err)
	}
	m.log.InfoContext(ctx, "dashboard signed in", "community", l.Community, "member", l.Member, "operator", l.Member == "")
	return m.session(ctx, rec), secret, nil
}

// stillFacilitator is nil when member ("" the operator) may use the
// dashboard of community now, and otherwise an *bot.Error. Only the stored
// admin flag counts: a platform's word that a member administers it comes
// with a command, not with a web request.
func (m *Module) stillFacilitator(ctx context.Context, community, member string) error {
	if member == "" {
		return nil
	}
	ok, err := m.core.IsFacilitator(ctx, community, member, false)
	if err != nil {
		return fmt.Errorf("dashboard: facilitator %s of %s: %w", member, community, err)
	}
	if !ok {
		return bot.Errorf(bot.EForbidden, notFacilitator)
	}
	return nil
}

// session is the Session of a record.
func (m *Module) session(ctx context.Context, rec SessionRecord) Session {
	s := Session{Community: rec.Community, Member: rec.Member, Started: rec.Started, Expires: rec.Expires, Operator: rec.Member == ""}
	if !s.Operator {
		s.MemberName = m.core.MemberName(ctx, rec.Community, rec.Member)
	}
	return s
}

// Session checks a cookie's secret: the session must be known, not ended,
// not expired, and its member still a facilitator. Anything else is an
// *bot.Error (code EForbidden) saying why, for the sign-in page.
func (m *Module) Session(ctx context.Context, secret string) (Session, error) {
	rec, err := m.record(ctx, secret)
	if err != nil {
		return Session{}, err
	}
	now := m.clock.Now()
	switch {
	case !rec.Ended.IsZero():
		return Session{}, bot.Errorf(bot.EForbidden, "You signed out."+askAgain)
	case !now.Before(rec.Expires):
		return Session{}, bot.Errorf(bot.EForbidden, "Your session has ended: sessions last %s.%s", lasting(m.cfg.SessionTTL), askAgain)
	}
	if err := m.stillFacilitator(ctx, rec.Community, rec.Member); err != nil {
		return Session{}, err
	}
	return m.session(ctx, rec), nil
}

// record returns the stored session of secret, or an *bot.Error.
func (m *Module) record(ctx context.Context, secret string) (SessionRecord, error) {
	if !wellFormed(secret) {
		return SessionRecord{}, bot.Errorf(bot.EForbidden, "You are not signed in."+askAgain)
	}
	rec, err := m.store.DashboardSession(ctx, hash(secret))
	if errors.Is(err, bot.ErrNotFound) {
		return SessionRecord{}, bot.Errorf(bot.EForbidden, "You are not signed in."+askAgain)
	}
	if err != nil {
		return SessionRecord{}, fmt.Errorf("dashboard session: %w", err)
	}
	return rec, nil
}

// SignOut ends the session of secret. Signing out of a session that has
// ended, or that is unknown, is no error.
func (m *Module) SignOut(ctx context.Context, secret string) error {
	if !wellFormed(secret) {
		return nil
	}
	if err := m.store.EndDashboardSession(ctx, hash(secret), m.clock.Now()); err != nil {
		return fmt.Errorf("dashboard sign-out: %w", err)
	}
	return nil
}

// SignOutEverywhere ends every session of the member of secret's session
// in its community (a lost laptop): on every browser, on every instance.
// Only a session that works may: anything else is Session's *bot.Error.
func (m *Module) SignOutEverywhere(ctx context.Context, secret string) error {
	s, err := m.Session(ctx, secret)
	if err != nil {
		return err
	}
	n, err := m.store.EndDashboardSessions(ctx, s.Community, s.Member, m.clock.Now())
	if err != nil {
		return fmt.Errorf("dashboard sign-out everywhere: %w", err)
	}
	m.log.InfoContext(ctx, "dashboard signed out everywhere", "community", s.Community, "member", s.Member, "sessions", n)
	return nil
}
