package dashboard

import (
	"context"
	"time"
)

// Store keeps sign-in links and sessions, each under the SHA-256 hash (hex)
// of its token or secret: the raw values live only in the link a
// facilitator was sent and in their browser's cookie. Every instance reads
// the same rows, so a link issued by one is honoured by another.
type Store interface {
	// SaveDashboardLink keeps a new link under hash.
	SaveDashboardLink(ctx context.Context, hash string, l Link) error
	// ConsumeDashboardLink marks the link under hash used at now when it
	// is unused and expires after now, and returns it with ok true: of
	// any number of callers at once, on any instance, exactly one gets
	// ok. A link used before or expired by now is returned with ok false
	// (Used tells which); an unknown hash is bot.ErrNotFound.
	ConsumeDashboardLink(ctx context.Context, hash string, now time.Time) (l Link, ok bool, err error)
	// SaveDashboardSession keeps a new session under hash.
	SaveDashboardSession(ctx context.Context, hash string, s SessionRecord) error
	// DashboardSession returns the session under hash, ended or expired
	// too, or bot.ErrNotFound.
	DashboardSession(ctx context.Context, hash string) (SessionRecord, error)
	// EndDashboardSession ends the session under hash at at; a session
	// ended before keeps its time, and an unknown hash is no error.
	EndDashboardSession(ctx context.Context, hash string, at time.Time) error
	// EndDashboardSessions ends at at every session of member ("" the
	// operator's) in community not ended yet, and returns how many.
	EndDashboardSessions(ctx context.Context, community, member string, at time.Time) (int, error)
	// PurgeDashboard deletes the links and sessions that expired, or
	// were ended, before before, and returns how many rows went.
	PurgeDashboard(ctx context.Context, before time.Time) (int, error)
}

// Link is a one-time sign-in link as the store keeps it.
type Link struct {
	Community string
	// Member is the facilitator the link signs in; "" for an operator
	// link (hearth dashboard, offline).
	Member  string
	Created time.Time
	Expires time.Time
	// Used is when the link was consumed; zero while it was not.
	Used time.Time
}

// SessionRecord is a dashboard session as the store keeps it.
type SessionRecord struct {
	Community string
	// Member is the facilitator signed in; "" for an operator session.
	Member  string
	Started time.Time
	Expires time.Time
	// Ended is when the session was signed out; zero while it was not.
	Ended time.Time
}
