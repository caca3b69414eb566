package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearth-community/hearth/adapters/web"
	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/bottest"
	"github.com/hearth-community/hearth/bot/members"
)

// crowd adds 250 members m000..m249: member i posts i%7 messages in
// #general in the last three weeks, members 0..9 joined five days ago, and
// members 240.. also posted in #random.
func (r *rig) crowd(t testing.TB) {
	t.Helper()
	now := r.Clock.Now()
	var ms []bot.Member
	for i := range 250 {
		m := bot.Member{ID: fmt.Sprintf("m%03d", i), Name: fmt.Sprintf("Member %03d", i), JoinedAt: bottest.T0}
		if i < 10 {
			m.JoinedAt = now.Add(-5 * 24 * time.Hour)
		}
		ms = append(ms, m)
	}
	r.AddMembers(ms...)
	var evs []bot.Event
	for i, m := range ms {
		for j := range i % 7 {
			evs = append(evs, bottest.Message(m.ID, "general", fmt.Sprintf("%s-%d", m.ID, j), now.Add(-time.Duration(j+1)*24*time.Hour)))
		}
		if i >= 240 {
			evs = append(evs, bottest.Message(m.ID, "random", m.ID+"-r", now.Add(-2*time.Hour)))
		}
	}
	r.Record(evs...)
}

var rowRE = regexp.MustCompile(`<tr data-member="([^"]+)">`)

func rows(b string) []string {
	var out []string
	for _, m := range rowRE.FindAllStringSubmatch(b, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestMembersTable(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	for _, c := range []struct {
		query       string
		count       int
		first, last string
	}{
		{"", 100, "alice", "m095"}, // by name: Alice, Bob, Carol, Dave, then Member 000...
		{"page=3", 54, "m196", "m249"},
		{"sort=name&dir=desc", 100, "m249", "m150"},
		{"sort=messages&dir=desc", 100, "m244", ""}, // 6 in #general, 1 in #random
		{"q=member+01", 10, "m010", "m019"},
		{"q=M24", 10, "m240", "m249"},
		{"filter=new", 10, "m000", "m009"},
		{"channel=random", 10, "m240", "m249"},
		{"level=observing&filter=new", 2, "m000", "m007"},
		{"q=nobody-at-all", 0, "", ""},
	} {
		t.Run(c.query, func(t *testing.T) {
			res := r.get(t, "/dashboard/members?period=30d&"+c.query, "s1")
			b := body(t, res)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%s", res.StatusCode, b)
			}
			got := rows(b)
			if len(got) != c.count {
				t.Fatalf("%d rows, want %d: %v", len(got), c.count, got)
			}
			if c.count > 0 && (got[0] != c.first || (c.last != "" && got[len(got)-1] != c.last)) {
				t.Fatalf("rows %s..%s, want %s..%s", got[0], got[len(got)-1], c.first, c.last)
			}
		})
	}
}

func TestMembersTableLinksKeepTheQuery(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	b := body(t, r.get(t, "/dashboard/members?period=90d&filter=new&sort=messages", "s1"))
	for _, want := range []string{
		`aria-sort="ascending"><a href="/dashboard/members?dir=desc&amp;filter=new&amp;period=90d&amp;sort=messages"`,
		`href="/dashboard/members.csv?filter=new&amp;period=90d&amp;sort=messages"`,
		`<option value="new" selected>`,
		`<input type="hidden" name="period" value="90d">`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("lacks %s", want)
		}
	}
	b = body(t, r.get(t, "/dashboard/members?period=30d&page=2", "s1"))
	for _, want := range []string{`href="/dashboard/members?period=30d" rel="prev"`, `href="/dashboard/members?page=3&amp;period=30d" rel="next"`, `aria-current="page">2</a>`} {
		if !strings.Contains(b, want) {
			t.Errorf("page 2 lacks %s", want)
		}
	}
}

func TestMembersTableRefusesBadParameters(t *testing.T) {
	r := newRig(t)
	for q, status := range map[string]int{"sort=evil": 400, "dir=up": 400, "filter=all": 400, "level=god": 400, "page=0": 400, "page=x": 400, "page=99": 404,
		"q=" + strings.Repeat("x", 300): 400} {
		if res := r.get(t, "/dashboard/members?"+q, "s1"); res.StatusCode != status {
			t.Errorf("%s: %d, want %d", q, res.StatusCode, status)
		}
		if status == 404 { // the CSV has every page
			continue
		}
		if res := r.get(t, "/dashboard/members.csv?"+q, "s1"); res.StatusCode != status {
			t.Errorf("CSV %s: %d, want %d", q, res.StatusCode, status)
		}
	}
}

func TestMembersCSVHasEveryFilteredRow(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	all := readCSV(t, r.get(t, "/dashboard/members.csv?period=30d", "s1"))
	if len(all) != 255 || strings.Join(all[0], ",") != "id,name,level,drifting,quiet,new,last_active,messages,replies,reactions,answers,joined,nudges" {
		t.Fatalf("%d rows, header %v", len(all), all[0])
	}
	some := readCSV(t, r.get(t, "/dashboard/members.csv?period=30d&filter=new&sort=messages&dir=desc", "s1"))
	if len(some) != 11 || some[1][0] != "m006" || some[1][7] != "6" || some[1][5] != "true" || some[10][7] != "0" {
		t.Fatalf("filtered CSV: %v", some)
	}
}

func TestMemberPage(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	if err := r.Store.SetPrefs(context.Background(), bottest.Community, "m006", bot.MemberPrefs{NudgesOff: true}); err != nil {
		t.Fatal(err)
	}
	res := r.get(t, "/dashboard/members/m006?period=90d", "s1")
	b := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d", res.StatusCode)
	}
	for _, want := range []string{"Member 006", `id="member-level">contributing`, `id="chart-member-weeks"`, "<th scope=\"row\">Messages</th><td class=\"n\">6</td>", "0 (nudges are off)"} {
		if !strings.Contains(b, want) {
			t.Errorf("member page lacks %s", want)
		}
	}
}

func TestQuietFilterIsTheReportsQuietList(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	r.activity()
	now := r.Clock.Now()
	for _, days := range []int{7, 90, 365} {
		rep, err := r.Bot.Report(context.Background(), bot.ReportQuery{Community: bottest.Community, From: now.Add(-time.Duration(days) * 24 * time.Hour), To: now})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, q := range rep.QuietMembers {
			want = append(want, q.ID)
		}
		slices.Sort(want)
		got := rows(body(t, r.get(t, fmt.Sprintf("/dashboard/members?period=%dd&filter=quiet&sort=name", days), "s1")))
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%dd: quiet %v, the report says %v", days, got, want)
		}
	}
}

// TestMembersTableCacheIsShortLived: with CacheFor, sorting and paging the
// table reuse what was read, for that long only.
func TestMembersTableCacheIsShortLived(t *testing.T) {
	for _, cacheFor := range []time.Duration{0, time.Minute} {
		r := newRig(t)
		r.server = web.New(web.Config{Auth: r.auth, Source: web.NewSource(r.Bot, r.Store), Clock: r.Clock, CacheFor: cacheFor})
		r.crowd(t)
		before := body(t, r.get(t, "/dashboard/members?period=30d&q=m005", "s1"))
		r.Record(bottest.Message("m005", "general", "late", r.Clock.Now().Add(-time.Hour)))
		same := body(t, r.get(t, "/dashboard/members?period=30d&q=m005&sort=messages", "s1"))
		r.Clock.Set(r.Clock.Now().Add(cacheFor + time.Second))
		after := body(t, r.get(t, "/dashboard/members?period=30d&q=m005", "s1"))
		count := func(b string) string {
			return regexp.MustCompile(`(?s)Member 005.*?<td[^>]*>(\d+)</td>`).FindStringSubmatch(b)[1]
		}
		if cacheFor > 0 && count(same) != count(before) || cacheFor == 0 && count(same) == count(before) || count(after) == count(before) {
			t.Errorf("cache for %v: messages %s, then %s in the same window, then %s", cacheFor, count(before), count(same), count(after))
		}
	}
}

// TestMembersTableSortsAndExportsNudges: every member's sent nudges are
// in the table and the CSV, whatever page they are on, and the table sorts
// by them; nudges queued or sent in another state do not count.
func TestMembersTableSortsAndExportsNudges(t *testing.T) {
	r := newRig(t)
	r.crowd(t)
	ctx := context.Background()
	now := r.Clock.Now()
	for member, sent := range map[string]int{"m200": 3, "m150": 2, "m030": 1} {
		for range sent {
			if _, err := r.Store.AddNudge(ctx, members.Nudge{Community: bottest.Community, Member: member, QueuedAt: now.Add(-48 * time.Hour),
				SendAt: now.Add(-47 * time.Hour), SentAt: now.Add(-47 * time.Hour), Status: members.NudgeSent}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := r.Store.AddNudge(ctx, members.Nudge{Community: bottest.Community, Member: "m249", QueuedAt: now, SendAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := body(t, r.get(t, "/dashboard/members?period=30d&sort=nudges&dir=desc", "s1"))
	if got := rows(b); len(got) < 4 || !slices.Equal(got[:3], []string{"m200", "m150", "m030"}) {
		t.Fatalf("by nudges, most first: %v", got[:min(len(got), 4)])
	}
	all := readCSV(t, r.get(t, "/dashboard/members.csv?period=30d", "s1"))
	nudges := map[string]string{}
	for _, row := range all[1:] {
		nudges[row[0]] = row[12]
	}
	if nudges["m200"] != "3" || nudges["m150"] != "2" || nudges["m030"] != "1" || nudges["m249"] != "0" {
		t.Errorf("CSV nudges: m200 %s, m150 %s, m030 %s, m249 (queued only) %s", nudges["m200"], nudges["m150"], nudges["m030"], nudges["m249"])
	}
}
