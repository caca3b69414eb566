package store

import (
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// TestActivityKinds keeps the rollups' kinds those the core calls activity:
// a kind that is not (joins, leaves, prompt replies, a later feature's)
// must change no rollup.
func TestActivityKinds(t *testing.T) {
	for _, k := range []bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindReaction, bot.KindCheckinAnswer, bot.KindStillHere,
		bot.KindJoin, bot.KindLeave, bot.KindPromptReply, "a later kind"} {
		if got := activityIndex(k) >= 0; got != k.Activity() {
			t.Errorf("%s: in the rollups %v, activity %v", k, got, k.Activity())
		}
	}
	for _, k := range []bot.EventKind{bot.KindMessage, bot.KindReply, bot.KindPromptReply} {
		if !tombstoned(k) {
			t.Errorf("a retracted %s can come back", k)
		}
	}
}
