package bot

import (
	"context"
	"time"
)

// PrefsStore keeps what members chose and what Hearth learned about
// reaching them. Several features read and write it.
type PrefsStore interface {
	// Prefs returns a member's preferences (the zero value when none are kept).
	Prefs(ctx context.Context, community, member string) (MemberPrefs, error)
	// SetPrefs stores a member's preferences, creating the member's row if
	// unknown.
	SetPrefs(ctx context.Context, community, member string, p MemberPrefs) error
	// AllPrefs returns the preferences kept for a community's members, by member id.
	AllPrefs(ctx context.Context, community string) (map[string]MemberPrefs, error)
}

// MemberPrefs are what a member chose about nudges, and what Hearth learned.
type MemberPrefs struct {
	NudgesOff   bool      // "no more nudges", or /hearth nudges off
	PausedUntil time.Time // "pause for a month"
	// UnreachableSince is when a DM to the member was last refused by the
	// platform (zero: reachable as far as Hearth knows).
	UnreachableSince time.Time
	// WelcomedAt is when Hearth sent the member its welcome DM (zero: never).
	WelcomedAt time.Time
}
