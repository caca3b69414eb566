package reporting

import "github.com/hearth-community/hearth/bot"

// ScheduleDigest posts the weekly participation digest.
const ScheduleDigest bot.ScheduleKind = "digest"
