package meetings

import (
	"context"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// Store is what meetings needs from storage.
type Store interface {
	bot.CheckinReader
	CheckinRun(ctx context.Context, community string, id int64) (bot.CheckinRun, error)
	AddEvent(ctx context.Context, e bot.CommunityEvent) (int64, error)
	AddSchedule(ctx context.Context, s bot.Schedule) (int64, error)
	CommunityEvent(ctx context.Context, community string, id int64) (bot.CommunityEvent, error)
	CommunityEvents(ctx context.Context, community string, q bot.EventQuery) ([]bot.CommunityEvent, error)
	MarkAttended(ctx context.Context, community string, event int64, member string, at time.Time) (bool, error)
	RSVPs(ctx context.Context, community string, event int64) ([]bot.RSVP, error)
	RemoveSchedule(ctx context.Context, community string, id int64) error
	Schedules(ctx context.Context, community string) ([]bot.Schedule, error)
	SetRSVP(ctx context.Context, community string, r bot.RSVP) error
	UpdateEvent(ctx context.Context, e bot.CommunityEvent) error
}
