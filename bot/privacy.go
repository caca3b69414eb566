package bot

import (
	"context"
	"time"
)

// PrivacyStore erases a member's data and prunes old events. (Exporting
// a member's data is features.Store's: it holds every feature's records.)
type PrivacyStore interface {
	// ForgetMember erases a member: their events, their answers to
	// attributed check-ins, their check-in recipient rows, nudges,
	// preferences, shared resources, stories, intro opt-in and places in
	// intro groups, facilitator row, per-member
	// rollups and member row; where
	// another row names them as its author (schedules.created_by,
	// checkin_runs.started_by) the name is blanked. The community's and
	// channels' day totals keep what they counted. It returns ErrNotFound
	// for an unknown member.
	ForgetMember(ctx context.Context, community, member string) error
	// PruneEvents deletes raw events that happened before t, in every
	// community, and returns how many; day rollups keep their counts.
	// DeliveryStore's claims made before t go too.
	PruneEvents(ctx context.Context, before time.Time) (int, error)
}
