package checkins

import "github.com/hearth-community/hearth/bot"

// Check-in schedule kinds.
const (
	// ScheduleCheckin starts a run of a check-in survey; Payload is a
	// CheckinPayload as JSON.
	ScheduleCheckin bot.ScheduleKind = "checkin"
	// ScheduleCheckinRemind and ScheduleCheckinClose are one-shot (a "once"
	// spec, see bot.OnceSpec): they remind and close one run, whose id is
	// the Payload. Going through the scheduler makes them exactly-once
	// across restarts, like everything else that falls due.
	ScheduleCheckinRemind bot.ScheduleKind = "checkin-remind"
	ScheduleCheckinClose  bot.ScheduleKind = "checkin-close"
)
