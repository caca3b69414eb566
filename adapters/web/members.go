package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/members"
)

// PageSize is how many members the members table shows per page.
const PageSize = 100

// memberRow is one member in the members table.
type memberRow struct {
	ID, Name                     string
	Level                        members.Level
	Drifting, Quiet, New         bool
	LastActive, Joined           time.Time
	Messages, Replies, Reactions int
	Answers                      int
	Nudges                       int    // nudges sent, ever
	Href                         string // the member's page; filled for the page shown only
}

// memberQuery is the members table's query: filters, search, sort, page.
type memberQuery struct {
	Filter, Level, Channel, Search string
	Sort                           string
	Desc                           bool
	Page                           int
}

var (
	memberFilters = []string{"", "quiet", "drifting", "new"}
	memberLevels  = []members.Level{members.LevelLeading, members.LevelContributing, members.LevelParticipating, members.LevelObserving}
	memberSorts   = []string{"name", "level", "last", "messages", "replies", "reactions", "joined", "nudges"}
)

// parseMemberQuery reads the table's parameters; a bad one is a *bot.Error.
func parseMemberQuery(q url.Values) (memberQuery, error) {
	mq := memberQuery{Filter: q.Get("filter"), Level: q.Get("level"), Channel: q.Get("channel"), Search: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Page: 1}
	if !slices.Contains(memberFilters, mq.Filter) {
		return mq, bot.Errorf(bot.EArgument, "I can't filter members by %q: use quiet, drifting or new.", bot.Clip(mq.Filter, 40))
	}
	if mq.Level != "" && !slices.Contains(memberLevels, members.Level(mq.Level)) {
		return mq, bot.Errorf(bot.EArgument, "%q is not a level: use leading, contributing, participating or observing.", bot.Clip(mq.Level, 40))
	}
	if mq.Sort == "" {
		mq.Sort = "name"
	}
	if !slices.Contains(memberSorts, mq.Sort) {
		return mq, bot.Errorf(bot.EArgument, "I can't sort members by %q: use %s.", bot.Clip(mq.Sort, 40), strings.Join(memberSorts, ", "))
	}
	switch q.Get("dir") {
	case "", "asc":
	case "desc":
		mq.Desc = true
	default:
		return mq, bot.Errorf(bot.EArgument, "Sort direction is asc or desc.")
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1_000_000 {
			return mq, bot.Errorf(bot.EArgument, "%q is not a page number.", bot.Clip(p, 40))
		}
		mq.Page = n
	}
	if len(mq.Search) > 200 || len(mq.Channel) > 200 {
		return mq, bot.Errorf(bot.EArgument, "That search is too long.")
	}
	return mq, nil
}

// values is the query as parameters, with the period.
func (mq memberQuery) values(p periodView) url.Values {
	q := p.Query()
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("filter", mq.Filter)
	set("level", mq.Level)
	set("channel", mq.Channel)
	set("q", mq.Search)
	if mq.Sort != "name" {
		q.Set("sort", mq.Sort)
	}
	if mq.Desc {
		q.Set("dir", "desc")
	}
	if mq.Page > 1 {
		q.Set("page", strconv.Itoa(mq.Page))
	}
	return q
}

// countWeeks is how many weeks the table's counts cover: the whole weeks
// (to the period's end) that cover the period.
func countWeeks(p bot.Period) int { return max(1, (p.Days()+6)/7) }

// memberRows are the members (not left, bots excluded) as of the period's
// end, with their level, drift and counts, filtered and sorted as mq says,
// and the channels active lately (the channel filter's choices).
func (s *Server) memberRows(ctx context.Context, community string, pv periodView, mq memberQuery) ([]memberRow, []bot.ChannelActivity, error) {
	p := pv.Period
	base, err := cached(s.cache, s.cfg.Clock.Now(), cacheKey(community, "members", pv), func() (memberTable, error) {
		return s.memberTable(ctx, community, p)
	})
	if err != nil {
		return nil, nil, err
	}
	var inChannel map[string]bool
	if mq.Channel != "" {
		cms, err := s.cfg.Source.ChannelMembers(ctx, community, mq.Channel, p.From)
		if err != nil {
			return nil, nil, err
		}
		inChannel = make(map[string]bool, len(cms))
		for _, m := range cms {
			inChannel[m.ID] = true
		}
	}
	search := strings.ToLower(mq.Search)
	rows := make([]memberRow, 0, len(base.rows))
	for _, row := range base.rows {
		switch {
		case mq.Filter == "quiet" && !row.Quiet, mq.Filter == "drifting" && !row.Drifting, mq.Filter == "new" && !row.New:
			continue
		case mq.Level != "" && string(row.Level) != mq.Level:
			continue
		case inChannel != nil && !inChannel[row.ID]:
			continue
		case search != "" && !strings.Contains(strings.ToLower(row.Name), search) && !strings.Contains(strings.ToLower(row.ID), search):
			continue
		}
		rows = append(rows, row)
	}
	sortRows(rows, mq.Sort, mq.Desc)
	return rows, base.channels, nil
}

// memberTable is every row of the members table for a period, unfiltered,
// in no order, and the channels active lately. Shared through the page
// cache: never modified once made.
type memberTable struct {
	rows     []memberRow
	channels []bot.ChannelActivity
}

// memberTable reads the table's rows. Each member's level is computed
// once, from one MemberWeeks read.
func (s *Server) memberTable(ctx context.Context, community string, p bot.Period) (memberTable, error) {
	cw := countWeeks(p)
	ms, err := s.cfg.Source.MemberWeeks(ctx, bot.MemberWeeksQuery{Community: community, End: p.To, Weeks: max(members.DriftWeeks, cw)})
	if err != nil {
		return memberTable{}, err
	}
	// The quiet list depends on To and QuietAfter only (members joined
	// QuietAfter before To and silent since), so it is read from the
	// report of the last QuietAfter of the period, which costs far less
	// than a year's; its channels (those active lately) fill the channel
	// filter.
	recent := p.From
	if qa := s.cfg.Source.QuietAfter(); qa > 0 && p.To.Add(-qa).After(recent) {
		recent = p.To.Add(-qa)
	}
	lists, err := s.cfg.Source.StoreReport(ctx, bot.ReportQuery{Community: community, From: recent, To: p.To})
	if err != nil {
		return memberTable{}, err
	}
	quiet := map[string]bool{}
	for _, q := range lists.QuietMembers {
		quiet[q.ID] = true
	}
	newcomers, err := s.cfg.Source.Newcomers(ctx, community, p.From, p.To)
	if err != nil {
		return memberTable{}, err
	}
	isNew := map[string]bool{}
	for _, n := range newcomers {
		isNew[n.ID] = true
	}
	nudged, err := s.cfg.Source.SentNudges(ctx, community)
	if err != nil {
		return memberTable{}, err
	}
	t := memberTable{rows: make([]memberRow, 0, len(ms)), channels: lists.Channels}
	for _, m := range ms {
		row := memberRow{ID: m.Member.ID, Name: bot.DisplayName(m.Member), Level: members.LevelOf(m.Weeks), Drifting: members.Drifting(m.Weeks),
			Quiet: quiet[m.Member.ID], New: isNew[m.Member.ID], LastActive: m.LastActive, Joined: m.Member.JoinedAt,
			Nudges: nudged[m.Member.ID]}
		if row.Joined.IsZero() {
			row.Joined = m.FirstSeen
		}
		for _, w := range m.Weeks[max(0, len(m.Weeks)-cw):] {
			row.Messages += w.Messages
			row.Replies += w.Replies
			row.Reactions += w.Reactions
			row.Answers += w.Answers
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func levelRank(l members.Level) int {
	return len(memberLevels) - slices.Index(memberLevels, l)
}

// sortRows sorts by the column, then by name and id so the order is stable
// across pages.
func sortRows(rows []memberRow, by string, desc bool) {
	key := func(a, b memberRow) int {
		switch by {
		case "level":
			return levelRank(a.Level) - levelRank(b.Level)
		case "last":
			return a.LastActive.Compare(b.LastActive)
		case "messages":
			return a.Messages - b.Messages
		case "replies":
			return a.Replies - b.Replies
		case "reactions":
			return a.Reactions - b.Reactions
		case "joined":
			return a.Joined.Compare(b.Joined)
		case "nudges":
			return a.Nudges - b.Nudges
		}
		return 0
	}
	slices.SortStableFunc(rows, func(a, b memberRow) int {
		c := key(a, b)
		if c == 0 {
			c = strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
}

type column struct {
	Key, Label string
	Numeric    bool
	Href       string
	Sort       string // "ascending", "descending" or "" (aria-sort)
}

type pageLink struct {
	Href, Label string
	Current     bool
}

type option struct {
	Value, Label string
	Selected     bool
}

type membersView struct {
	Rows                      []memberRow
	Total, First, Last        int
	Columns                   []column
	Pages                     []pageLink
	Prev, Next, CSV           string
	Query                     memberQuery
	Filters, Levels, Channels []option
	Hidden                    []option // the period, kept by the filter form
	CountWeeks                int
	CountsTo                  string
}

func (s *Server) members(ctx context.Context, r *http.Request, v *view) error {
	v.Title, v.template = "Members", "members"
	mq, err := parseMemberQuery(r.URL.Query())
	if err != nil {
		return err
	}
	rows, channels, err := s.memberRows(ctx, v.Session.Community, v.Period, mq)
	if err != nil {
		return err
	}
	mv := membersView{Total: len(rows), Query: mq, CountWeeks: countWeeks(v.Period.Period), CountsTo: v.Period.To}
	pages := max(1, (len(rows)+PageSize-1)/PageSize)
	if mq.Page > pages {
		return bot.Errorf(bot.ENotFound, "There are only %d pages of members.", pages)
	}
	lo, hi := (mq.Page-1)*PageSize, min(len(rows), mq.Page*PageSize)
	mv.Rows = rows[lo:hi]
	mv.First, mv.Last = lo+1, hi
	for i := range mv.Rows {
		mv.Rows[i].Href = memberHref(mv.Rows[i].ID, v.Period)
	}
	path := Prefix + "members"
	for _, c := range []column{{Key: "name", Label: "Name"}, {Key: "level", Label: "Level"}, {Key: "last", Label: "Last active"},
		{Key: "messages", Label: "Messages", Numeric: true}, {Key: "replies", Label: "Replies", Numeric: true},
		{Key: "reactions", Label: "Reactions", Numeric: true}, {Key: "joined", Label: "Joined"}, {Key: "nudges", Label: "Nudges", Numeric: true}} {
		cq := mq
		cq.Page, cq.Sort, cq.Desc = 1, c.Key, false
		if mq.Sort == c.Key {
			c.Sort = "ascending"
			if mq.Desc {
				c.Sort = "descending"
			} else {
				cq.Desc = true
			}
		}
		c.Href = pageURL(path, cq.values(v.Period))
		mv.Columns = append(mv.Columns, c)
	}
	link := func(n int) string {
		pq := mq
		pq.Page = n
		return pageURL(path, pq.values(v.Period))
	}
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= mq.Page-3 && n <= mq.Page+3) {
			mv.Pages = append(mv.Pages, pageLink{Href: link(n), Label: strconv.Itoa(n), Current: n == mq.Page})
		} else if len(mv.Pages) > 0 && mv.Pages[len(mv.Pages)-1].Href != "" {
			mv.Pages = append(mv.Pages, pageLink{Label: "…"})
		}
	}
	if mq.Page > 1 {
		mv.Prev = link(mq.Page - 1)
	}
	if mq.Page < pages {
		mv.Next = link(mq.Page + 1)
	}
	cq := mq
	cq.Page = 1
	mv.CSV = pageURL(Prefix+"members.csv", cq.values(v.Period))
	for _, f := range []option{{"", "All members", false}, {"quiet", "Quiet", false}, {"drifting", "Drifting", false}, {"new", "New in the period", false}} {
		f.Selected = f.Value == mq.Filter
		mv.Filters = append(mv.Filters, f)
	}
	mv.Levels = append(mv.Levels, option{"", "Any level", mq.Level == ""})
	for _, l := range memberLevels {
		mv.Levels = append(mv.Levels, option{string(l), strings.ToUpper(string(l[:1])) + string(l[1:]), string(l) == mq.Level})
	}
	mv.Channels = append(mv.Channels, option{"", "Any channel", mq.Channel == ""})
	for _, c := range channels {
		mv.Channels = append(mv.Channels, option{c.ID, "#" + bot.ChannelLabel(c.ID, c.Name), c.ID == mq.Channel})
	}
	if mq.Channel != "" && !slices.ContainsFunc(channels, func(c bot.ChannelActivity) bool { return c.ID == mq.Channel }) {
		mv.Channels = append(mv.Channels, option{mq.Channel, "#" + mq.Channel, true})
	}
	for k, vs := range v.Period.Query() {
		mv.Hidden = append(mv.Hidden, option{Value: vs[0], Label: k})
	}
	slices.SortFunc(mv.Hidden, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	v.Content = mv
	return nil
}

// membersCSV exports the filtered, sorted table, every page, through the
// one formula-safe CSV writer.
func (s *Server) membersCSV(w http.ResponseWriter, r *http.Request, sess Session) {
	v := &view{Session: sess, Path: r.URL.Path}
	p, err := parsePeriodQuery(r.URL.Query(), s.cfg.Clock.Now(), s.cfg.Source.Location())
	var mq memberQuery
	if err == nil {
		v.Period = p
		mq, err = parseMemberQuery(r.URL.Query())
	}
	var rows []memberRow
	if err == nil {
		rows, _, err = s.memberRows(r.Context(), sess.Community, p, mq)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"hearth-members-%s-to-%s.csv\"", p.From, p.To))
	cw := bot.NewCSVWriter(w)
	_ = cw.Write([]string{"id", "name", "level", "drifting", "quiet", "new", "last_active", "messages", "replies", "reactions", "answers", "joined", "nudges"})
	for _, row := range rows {
		_ = cw.Write([]string{row.ID, row.Name, string(row.Level), strconv.FormatBool(row.Drifting), strconv.FormatBool(row.Quiet), strconv.FormatBool(row.New),
			dateOr(row.LastActive, ""), strconv.Itoa(row.Messages), strconv.Itoa(row.Replies), strconv.Itoa(row.Reactions), strconv.Itoa(row.Answers), dateOr(row.Joined, ""), strconv.Itoa(row.Nudges)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.cfg.Log.Warn("dashboard: members CSV", "err", err)
	}
}

// memberHref is a member's page, keeping the period.
func memberHref(id string, p periodView) string {
	return withQuery(Prefix+"members/"+url.PathEscape(id), p.Query().Encode())
}
