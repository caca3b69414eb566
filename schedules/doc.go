// Package schedules is Hearth's durable, exactly-once scheduler: it reads
// the schedule specs facilitators type (cron, descriptors and plain-English
// phrases) and one-shot "once" specs (see Parser for the grammar), and runs
// what falls due, claiming each firing in the store before running it.
//
// # Time zones and daylight saving time
//
// Every calendar spec (cron fields, @daily/@weekly/..., every phrase, and
// the date and time of a once spec like "once 2026-12-03 16:00") names
// wall-clock times in the schedule's zone, and all of them follow the same
// rules, those of RFC 5545 (iCalendar) §3.3.5:
//
//   - A wall time that exists once fires once, at that wall time: 09:00 stays
//     09:00 local on both sides of a change.
//   - A wall time skipped by a spring-forward gap is read with the UTC offset
//     in force before the gap, which moves it forward by the gap's length:
//     02:30 in Paris on 2026-03-29 fires at 03:30 CEST, once.
//   - A wall time repeated by a fall-back fires once, at its first occurrence
//     (the summer-time one): 02:30 in Paris on 2026-10-25 fires at
//     02:30 CEST (00:30 UTC), not again an hour later.
//
// Each wall time is named once, so a spec naming times within the repeated
// hour fires in its first pass only: "0 * * * *" in New York on 2026-11-01
// fires at 01:00 EDT, then 02:00 EST, not at 01:00 EST. For a rhythm in
// elapsed time, use @every.
//
// robfig/cron parses the cron syntax, but its own Next is not used: it skips
// gap times and fires repeated times twice. Spec.Next here evaluates the
// parsed fields with the rules above.
//
// @every DURATION is the exception: it is a fixed elapsed duration and
// ignores zones altogether. So is a once spec's RFC 3339 instant ("once
// 2026-12-01T09:00:00Z", as bot.OnceSpec writes): its offset fixes the
// instant, and the zone only sets how it is shown.
package schedules
