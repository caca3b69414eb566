package members

import "github.com/hearth-community/hearth/bot"

// Nudge schedule kinds: ScheduleNudge applies the nudge policy on a rhythm;
// ScheduleNudgeSend sends one queued nudge when the member's quiet hours
// end (a "once" schedule, Payload the nudge id).
const (
	ScheduleNudge     bot.ScheduleKind = "nudge"
	ScheduleNudgeSend bot.ScheduleKind = "nudge-send"
)
