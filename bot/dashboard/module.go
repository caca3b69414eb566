// Package dashboard is the sign-in to Hearth's web dashboard: /hearth
// dashboard gives a facilitator a one-time link, opening the link starts a
// session kept in a cookie, and every request checks the session again.
// Links and sessions are kept in the database as hashes only, so any
// instance checks them and a copy of the database signs no one in; both
// stop working as soon as their member stops being a facilitator. There
// are no passwords and no identity provider: the chat platform, which
// already knows who asks, is the proof of identity.
//
// The pages themselves are adapters/web's; cmd/hearth serves them and
// calls this package's API.
package dashboard

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Default lifetimes: a link is for opening now; a session lasts a working
// day.
const (
	DefaultLinkTTL    = 15 * time.Minute
	DefaultSessionTTL = 10 * time.Hour
)

// Config is what the sign-in needs beyond the core and the store.
type Config struct {
	// PublicURL is where Hearth is served (HEARTH_PUBLIC_URL), like
	// https://hearth.example.org; links point under it. Without it no
	// link can be given.
	PublicURL string
	// LinkTTL is how long a sign-in link works (default 15 minutes);
	// SessionTTL how long a session lasts (default 10 hours).
	LinkTTL, SessionTTL time.Duration
}

// Module is the dashboard sign-in feature.
type Module struct {
	core  *bot.Bot
	store Store
	clock bot.Clock
	log   *slog.Logger
	cfg   Config
}

var _ bot.Module = (*Module)(nil)

// New returns the feature, speaking through b and keeping links and
// sessions in s. Register it with b.Register.
func New(b *bot.Bot, s Store, cfg Config) *Module {
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = DefaultLinkTTL
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	return &Module{core: b, store: s, clock: b.Clock(), log: b.Log(), cfg: cfg}
}

// Name names the feature.
func (m *Module) Name() string { return "dashboard" }

// Commands is /hearth dashboard. It is for facilitators: the core refuses
// anyone else before it runs.
func (m *Module) Commands() []bot.CommandSpec {
	return []bot.CommandSpec{{Path: []string{"dashboard"}, Summary: "A sign-in link to the web dashboard",
		Facilitator: true, Order: 40, Run: m.cmdDashboard}}
}

func (m *Module) cmdDashboard(ctx context.Context, inv bot.Invocation) (bot.Reply, error) {
	// The dashboard checks the facilitators without the platform's word
	// that the caller administers it, which comes with commands only: a
	// link that would not sign them in is no use.
	if err := m.stillFacilitator(ctx, inv.Community, inv.Member); bot.ErrorCode(err) == bot.EForbidden {
		return bot.Reply{}, bot.Errorf(bot.EConflict, "Your platform says you administer this community, but Hearth's member list does not show it yet, "+
			"and the dashboard checks that list on every visit. Try again once Hearth has read the member list again, or ask a facilitator to add you with `/hearth facilitator add`.")
	} else if err != nil {
		return bot.Reply{}, err
	}
	url, expires, err := m.IssueLink(ctx, inv.Community, inv.Member)
	if err != nil {
		return bot.Reply{}, err
	}
	text := fmt.Sprintf("Your sign-in link to the dashboard, valid for %s, once (until %s):\n%s\n"+
		"Keep it to yourself: whoever opens it first is signed in as you. Signed in, you stay so for %s unless you sign out.",
		lasting(m.cfg.LinkTTL), expires.In(m.core.Location()).Format("15:04 MST"), url, lasting(m.cfg.SessionTTL))
	return bot.Reply{Post: bot.Post{Text: text}, Private: true}, nil
}

// lasting says how long d is, for people: "15 minutes", "10 hours".
func lasting(d time.Duration) string {
	n, unit := int64(d/time.Minute), "minute"
	switch {
	case d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d%time.Minute != 0:
		return d.String()
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}
