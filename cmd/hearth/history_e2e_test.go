package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/discord/fakediscord"
	"github.com/hearth-community/hearth/adapters/slack/fakeslack"
	"github.com/hearth-community/hearth/bot"
)

// hsStart is the scenario's first day: eight weeks ending Sunday Dec 27
// 2026.
var hsStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// hsDefaultScenario is the community of the live-equals-imported test.
// Its reactions on messages deleted later are taken back first
// (hsOptions.unreactDeleted): live, Hearth retracts a deleted message but
// keeps the reactions recorded on it, which history cannot give back (the
// platforms drop them with the message). Without that, the imported
// report counts 39 reactions fewer than the live one (369 of 408), the
// members' reactions standing on the 33 deleted messages, on both
// platforms:
// HS_KEEP_REACTIONS=1 go test ./cmd/hearth -run TestHistoryImportEqualsLive
// shows the difference.
func hsDefaultScenario() *hsScenario {
	return newHSScenario(hsOptions{seed: 18, start: hsStart, days: 56, members: 20, channels: 4, postsPerDay: 1, replies: 0.9, reactions: 1.3,
		unreactDeleted: os.Getenv("HS_KEEP_REACTIONS") == ""})
}

// hsLimitRates turns on the fakes' rate limits: Slack's tiers for the
// methods an import calls, and Discord's per-channel buckets for a
// channel's messages and a message's reactions as observed (5 requests
// per 5 seconds).
func hsLimitRates(w *hsWorld) {
	w.sl.LimitRates(fakeslack.HistoryTiers)
	w.dc.LimitRoute("GET /channels/{id}/messages", 5, 5*time.Second)
	w.dc.LimitRoute("GET /channels/{id}/messages/{mid}/reactions/{emoji}", 5, 5*time.Second)
}

// TestHistoryImportEqualsLive is issue 18's "done when", on both
// platforms: eight weeks of a community (hsScenario: 19 members and a bot,
// 4 channels, threads (half of them archived by the time of the import)
// and inline replies, reactions, some taken back, deletions, members
// arriving late, one drifting away, one never there) are delivered live
// to Hearth A through the fakes' Events API and gateway, and the fakes
// keep them as history. Hearth B, on a fresh database, imports them with
// `/hearth history import 90d` sent through each fake, within the fakes'
// rate limits. Then:
//
//   - `hearth report --format json` over the eight weeks, and over the
//     last two, is the same for A and B, but for B's history_since (only
//     an import says from when the record starts). Reactions have no time
//     in history and are counted at their message's: the scenario keeps
//     every reaction on its message's day, and the report's periods are
//     whole days, so a reaction counts in the same period either way; the
//     one finer figure, a quiet member's last_active, is compared by its
//     day (hsReportDiff). The events recorded, by kind, are the same too,
//     and the facilitator who asked is told by DM how many were imported;
//   - importing again (91d: 90d again is refused as imported already)
//     changes nothing;
//   - live activity delivered to B on the imported period's last day, then
//     another import that reads it again (92d), is counted once;
//   - a member who ran `forget me` in B is not brought back by the next
//     import (93d): no event of theirs, and `hearth export` finds nothing.
func TestHistoryImportEqualsLive(t *testing.T) {
	sc := hsDefaultScenario()
	w := newHSWorld(t, sc)
	hsLimitRates(w)

	a := w.startHearth("live")
	began := time.Now()
	w.deliver(a, sc.actions)
	t.Logf("delivered %d events live (%v) in %v", w.delivered, sc.count(), time.Since(began).Round(time.Millisecond))
	platCheck(t, a.stop())
	t.Logf("%d of the Discord threads archived", w.archiveThreads())

	// B comes on the last day at 20:00, after the activity.
	now := sc.end.Add(-hsQuietHours)
	w.clock.Set(now)
	b := w.startImporter("imported")
	communities := []string{w.slackCommunity, w.discordCommunity}
	imports := hsImportAll(t, w, b, "90d")
	reportNow := sc.end.Add(time.Hour) // after every import's clock
	for _, c := range communities {
		// The eight weeks, and the last two (whose previous period, levels
		// and quiet members rest on the weeks before).
		for _, from := range []time.Time{sc.start, sc.end.AddDate(0, 0, -14)} {
			hsSameReport(t, fmt.Sprintf("%s: the imported report since %s", c, from.Format("Jan 2")),
				a.report(c, from, sc.end, reportNow), b.report(c, from, sc.end, reportNow))
		}
	}
	live, imported := hsSnapshot(a, sc, reportNow, communities), hsSnapshot(b, sc, reportNow, communities)
	for _, c := range communities {
		if live[c+" events"] != imported[c+" events"] {
			t.Errorf("%s: the live Hearth has the events %s, the imported one %s", c, live[c+" events"], imported[c+" events"])
		}
	}
	hsLogRate(t, w, imports)
	// The facilitator who asked is told, by DM, what was imported.
	for _, c := range communities {
		imp := imports[c]
		want := fmt.Sprintf("4 channels, %s events", bot.Thousands(imp.events))
		dms := w.dms(c, 0)
		if len(dms) == 0 || !strings.HasPrefix(dms[len(dms)-1], "History imported since ") || !strings.Contains(dms[len(dms)-1], want) {
			t.Errorf("%s: the facilitator's DMs are %q, want the last to be the summary with %q", c, dms, want)
		}
	}

	// Again: nothing changes.
	before := hsSnapshot(b, sc, reportNow, communities)
	hsImportAll(t, w, b, "91d")
	hsSameSnapshot(t, "after importing again", before, hsSnapshot(b, sc, reportNow, communities))

	// Live activity on the imported period's last day (after the imports'
	// clock): 3 posts, 4 replies and 4 reactions on each platform. It is
	// recorded once as it comes, and the import that reads it again
	// counts none of it twice.
	more := sc.more(w.clock.Now().Truncate(time.Minute).Add(5*time.Minute), 4, 5, 6)
	if last := more[len(more)-1].at; !last.Before(sc.end) {
		t.Fatalf("the imports took the clock to %v: no room on the last day", w.clock.Now())
	}
	w.deliver(b, more)
	withLive := hsSnapshot(b, sc, reportNow, communities)
	for _, c := range communities {
		var was, is struct {
			Activity struct{ Messages, Replies, Reactions int }
		}
		platCheck(t, json.Unmarshal([]byte(before[c+" report"]), &was))
		platCheck(t, json.Unmarshal([]byte(withLive[c+" report"]), &is))
		if d := [3]int{is.Activity.Messages - was.Activity.Messages, is.Activity.Replies - was.Activity.Replies,
			is.Activity.Reactions - was.Activity.Reactions}; d != [3]int{3, 4, 4} {
			t.Errorf("%s: the live activity added %v messages, replies and reactions, want [3 4 4]", c, d)
		}
	}
	hsImportAll(t, w, b, "92d")
	hsSameSnapshot(t, "after importing what was received live", withLive, hsSnapshot(b, sc, reportNow, communities))

	// Member 3, among the busiest, asks to be forgotten on each platform;
	// the next import skips them.
	gone := 3
	for _, c := range communities {
		var got, done hsAnswer
		if c == w.slackCommunity {
			got = w.slackCommand(gone, "forget me")
		} else {
			got = w.discordCommand(gone, fakediscord.Group("forget", fakediscord.SubCommand("me")))
		}
		if len(got.buttons) != 1 || got.buttons[0].Label != "Erase my data" {
			t.Fatalf("%s: /hearth forget me = %q with buttons %+v", c, got.text, got.buttons)
		}
		if c == w.slackCommunity {
			done = w.slackPress(gone, got.buttons[0])
		} else {
			done = w.discordPress(gone, got.buttons[0])
		}
		if !strings.HasPrefix(done.text, "Done: Hearth has erased") {
			t.Fatalf("%s: Erase my data answered %q", c, done.text)
		}
	}
	imports = hsImportAll(t, w, b, "93d")
	sdb := nuOpen(t, b.db)
	defer sdb.Close()
	for _, c := range communities {
		id := hsSlackUser(gone, sc).ID
		if c == w.discordCommunity {
			id = hsDiscordUser(gone, sc).ID
		}
		var n int
		platCheck(t, sdb.QueryRow(`SELECT COUNT(*) FROM events e JOIN members m ON m.id = e.member_id JOIN communities c ON c.id = e.community_id
			WHERE c.ext_id = ? AND m.ext_id = ?`, c, id).Scan(&n))
		if n != 0 || imports[c].gone == 0 {
			t.Errorf("%s: after the import the forgotten member has %d events; the import skipped %d of theirs", c, n, imports[c].gone)
		}
		if _, found := nuTryExport(t, b.db, c, id); found {
			t.Errorf("%s: hearth export still finds the forgotten member after the import", c)
		}
		t.Logf("%s: the import after forget me skipped %d events of the forgotten member", c, imports[c].gone)
	}
}

// hsImportAll asks for an import of period on both platforms, as member 0
// (the facilitator), and waits for both to be done.
func hsImportAll(t *testing.T, w *hsWorld, h *hsHearth, period string) map[string]hsImport {
	t.Helper()
	out := map[string]hsImport{}
	started := map[string]time.Time{}
	calls := map[string][2]int{}
	for _, c := range []string{w.slackCommunity, w.discordCommunity} {
		n, l := hsRequests(w, c)
		calls[c] = [2]int{n, l}
		var got hsAnswer
		if c == w.slackCommunity {
			got = w.slackCommand(0, "history import "+period)
		} else {
			got = w.discordCommand(0, fakediscord.Group("history", fakediscord.SubCommand("import", fakediscord.String("period", period))))
		}
		if !got.private || !strings.HasPrefix(got.text, "Importing ") {
			t.Fatalf("%s: /hearth history import %s = %q (private %v)\nthe log:\n%.6000s", c, period, got.text, got.private, h.logs)
		}
		started[c] = time.Now()
		imp := h.waitImport(c)
		imp.wall = time.Since(started[c])
		imp.requests, imp.limited = hsRequests(w, c)
		imp.requests -= calls[c][0]
		imp.limited -= calls[c][1]
		out[c] = imp
	}
	return out
}

// hsRequests counts the history requests the community's fake has
// answered so far, and of them the ones answered 429: Slack's
// conversations.* and users.conversations calls, Discord's GETs of
// channels, messages, reactions, threads and members.
func hsRequests(w *hsWorld, community string) (requests, limited int) {
	if community == w.slackCommunity {
		for _, m := range []string{"conversations.history", "conversations.replies", "users.conversations", "conversations.list"} {
			for _, c := range w.sl.Calls(m) {
				requests++
				if c.Status == 429 {
					limited++
				}
			}
		}
		return requests, limited
	}
	for _, r := range w.dc.Requests() {
		if r.Method != "GET" || !(strings.Contains(r.Path, "/messages") || strings.Contains(r.Path, "/threads") ||
			strings.HasSuffix(r.Path, "/channels") || strings.HasSuffix(r.Path, "/members")) {
			continue
		}
		requests++
		if r.Status == 429 {
			limited++
		}
	}
	return requests, limited
}

// hsSameReport checks that two reports (JSON) say the same but for
// history_since, and shows every figure that differs.
func hsSameReport(t *testing.T, what, want, got string) {
	t.Helper()
	if d := hsReportDiff(want, got); d != "" {
		t.Errorf("%s differs (- live, + imported):\n%s", what, d)
	}
}

// hsReportDiff lists the figures of two JSON reports that differ, one
// path=value a line, ignoring history_since, and comparing a quiet
// member's last_active by its day: when their last act was a reaction,
// live says when they reacted (Slack's event_ts; Discord gives no time, so
// when Hearth applied it), history when the message was posted, earlier
// that day.
func hsReportDiff(a, b string) string {
	fa, fb := hsFlatten(a), hsFlatten(b)
	for _, f := range []map[string]string{fa, fb} {
		for k, v := range f {
			if strings.HasSuffix(k, ".last_active") && len(v) > 11 {
				f[k] = v[:11] + `…"`
			}
		}
	}
	var out []string
	for k, v := range fa {
		if strings.HasPrefix(k, "history_since") {
			continue
		}
		if w, ok := fb[k]; !ok || w != v {
			out = append(out, "- "+k+"="+v)
		}
	}
	for k, v := range fb {
		if strings.HasPrefix(k, "history_since") {
			continue
		}
		if w, ok := fa[k]; !ok || w != v {
			out = append(out, "+ "+k+"="+v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][2:] < out[j][2:] || out[i][2:] == out[j][2:] && out[i] < out[j] })
	return strings.Join(out, "\n")
}

// hsFlatten turns a JSON document into path=value pairs.
func hsFlatten(doc string) map[string]string {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return map[string]string{"error": err.Error()}
	}
	out := map[string]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(strings.TrimPrefix(path+"."+k, "."), x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
			if len(v) == 0 {
				out[path] = "[]"
			}
		default:
			b, _ := json.Marshal(v)
			out[path] = string(b)
		}
	}
	walk("", v)
	return out
}

// hsSnap is what a Hearth holds: each community's report over the
// scenario and its events by kind.
type hsSnap map[string]string

func hsSnapshot(h *hsHearth, sc *hsScenario, now time.Time, communities []string) hsSnap {
	h.t.Helper()
	out := hsSnap{}
	sdb := nuOpen(h.t, h.db)
	defer sdb.Close()
	for _, c := range communities {
		out[c+" report"] = h.report(c, sc.start, sc.end, now)
		rows, err := sdb.Query(`SELECT e.kind, COUNT(*) FROM events e JOIN communities c ON c.id = e.community_id
			WHERE c.ext_id = ? GROUP BY e.kind ORDER BY e.kind`, c)
		platCheck(h.t, err)
		var counts []string
		for rows.Next() {
			var kind string
			var n int
			platCheck(h.t, rows.Scan(&kind, &n))
			counts = append(counts, fmt.Sprintf("%s=%d", kind, n))
		}
		platCheck(h.t, rows.Err())
		rows.Close()
		out[c+" events"] = strings.Join(counts, " ")
	}
	return out
}

func hsSameSnapshot(t *testing.T, what string, want, got hsSnap) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.HasSuffix(k, " report") {
			if d := hsReportDiff(want[k], got[k]); d != "" {
				t.Errorf("%s: %s differs (- before, + after):\n%s", what, k, d)
			}
		} else if want[k] != got[k] {
			t.Errorf("%s: %s are %s, were %s", what, k, got[k], want[k])
		}
	}
}

// hsLogRate logs each import's rate: events and pages, on the simulated
// clock the fakes' rate limits count by, and on the wall clock.
func hsLogRate(t *testing.T, w *hsWorld, imports map[string]hsImport) {
	t.Helper()
	for _, c := range []string{w.slackCommunity, w.discordCommunity} {
		imp := imports[c]
		sim := imp.finished.Sub(imp.started)
		t.Logf("%s: %d channels, %d events (and %d of bots) in %v on the fakes' clock: %.1f events/s, %d requests (%.1f a minute, %d answered 429); %v of wall time",
			c, imp.channels, imp.events, imp.bots, sim, float64(imp.events)/sim.Seconds(), imp.requests,
			float64(imp.requests)/sim.Minutes(), imp.limited, imp.wall.Round(time.Millisecond))
	}
}
