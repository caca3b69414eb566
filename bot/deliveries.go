package bot

import (
	"context"
	"fmt"
	"time"
)

// DeliveryStore claims the DMs of a fan-out (one job that DMs many members:
// an event's reminder, a check-in's reminder, an intro round's groups), one
// recipient at a time, in the database. Several Hearths may share one
// database, and a job may run again (a firing retried, an instance that
// died half way): whoever claims a member's DM sends it, the others send
// nothing. A claim is taken before the DM goes out, so a crash between the
// two loses that one DM rather than sending it twice.
type DeliveryStore interface {
	// ClaimDelivery records that job's DM to member goes out (at: when)
	// and reports whether this call did: of any number of callers, in any
	// number of processes, exactly one gets true. job names what goes out
	// (DeliveryJob), never its text.
	ClaimDelivery(ctx context.Context, community, job, member string, at time.Time) (bool, error)
}

// DeliveryJob names one fan-out for ClaimDelivery: its kind and what tells
// it apart from the others of its kind (an event's id, a firing's time, as
// unix milliseconds), joined with ':'.
func DeliveryJob(kind string, parts ...any) string {
	s := kind
	for _, p := range parts {
		if t, ok := p.(time.Time); ok {
			p = t.UnixMilli()
		}
		s += ":" + fmt.Sprint(p)
	}
	return s
}
