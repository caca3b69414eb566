package web

import (
	"context"
	"net/http"
	"time"
)

// Session is a facilitator's signed-in session, as the sign-in service
// (bot/dashboard) keeps it. cmd adapts that service's own Session type to
// this one, so this package depends on no sign-in implementation.
type Session struct {
	Community, Member, MemberName string
	Started, Expires              time.Time
	Operator                      bool
}

// Auth is the sign-in service the pages need. Errors meant for people are
// *bot.Error (an expired or reused link, a member who is no facilitator);
// any other error is the operator's to read in the log.
type Auth interface {
	// SignIn consumes a one-time link token and starts a session; secret
	// goes in the cookie.
	SignIn(ctx context.Context, token string) (s Session, secret string, err error)
	// Session returns the live session the secret names.
	Session(ctx context.Context, secret string) (Session, error)
	// SignOut ends the session; SignOutEverywhere ends every session of
	// its facilitator.
	SignOut(ctx context.Context, secret string) error
	SignOutEverywhere(ctx context.Context, secret string) error
}

// Limiter rate-limits sign-in attempts by remote address.
type Limiter interface {
	Allow(addr string) bool
}

// CookieName is the session cookie's name (bot/dashboard.CookieName).
const CookieName = "hearth_session"

// SessionCookie is the default Config.Cookie: HttpOnly, SameSite=Lax (a
// link followed from chat still carries it; cross-site POSTs do not, and
// the Origin check refuses them anyway), scoped to /dashboard/, Secure
// under HTTPS. An expires in the past deletes the cookie.
func SessionCookie(secret string, expires time.Time, secure bool) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: secret, Path: "/dashboard/", Expires: expires,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if secret == "" {
		c.MaxAge = -1
	}
	return c
}
