package schedules

import (
	"time"

	"github.com/hearth-community/hearth/bot"
)

// MaxPreview bounds Preview's n.
const MaxPreview = 100

// Preview returns the next n times spec names after from, in order (fewer if
// the spec runs out; at most MaxPreview). Calendar specs give times in
// their zone, ready to show; `/hearth schedule preview` shows five.
func Preview(spec bot.Spec, from time.Time, n int) []time.Time {
	n = min(n, MaxPreview)
	var out []time.Time
	for t := from; len(out) < n; {
		t = spec.Next(t)
		if t.IsZero() {
			break
		}
		out = append(out, t)
	}
	return out
}
