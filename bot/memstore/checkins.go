package memstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/checkins"
)

// run is a check-in run. Its survey is kept as JSON, as the SQLite store
// keeps it: it reads back the same, and forgetting a member edits it.
type run struct {
	id               int64
	community        string
	survey           string
	definition       []byte
	delivery         checkins.Delivery
	channel, post    string
	anonymous        bool
	salt             []byte
	startedBy        string
	schedule         int64
	opened, closes   int64
	reminded, closed int64 // null: not yet
	recipients       []*recipient
	answers          map[[2]string]string // respondent, question -> value
}

type recipient struct {
	member   string
	status   checkins.RecipientStatus
	sentAt   int64
	awaiting string
}

func (r *run) bot() (checkins.CheckinRun, error) {
	out := checkins.CheckinRun{ID: r.id, Community: r.community, Delivery: r.delivery, Channel: r.channel, Post: r.post,
		Anonymous: r.anonymous, Salt: slices.Clone(r.salt), StartedBy: r.startedBy, Schedule: r.schedule,
		OpenedAt: tm(r.opened), ClosesAt: tm(r.closes), RemindedAt: tm(r.reminded), ClosedAt: tm(r.closed)}
	if err := json.Unmarshal(r.definition, &out.Survey); err != nil {
		return checkins.CheckinRun{}, fmt.Errorf("run %d: the stored survey does not read: %w", r.id, err)
	}
	return out, nil
}

// CreateRun stores a run and its recipients, all pending in the order given
// (a repeated member counts once), and returns the run's id; a recipient
// not seen yet gets a member row first seen when the run opened.
func (s *Store) CreateRun(ctx context.Context, r checkins.CheckinRun, recipients []string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CreateRun", r, recipients); err != nil {
		return 0, err
	}
	switch {
	case r.Community == "":
		return 0, errors.New("create check-in run: no community")
	case r.Survey.Name == "":
		return 0, fmt.Errorf("create check-in run of %s: no survey name", r.Community)
	case r.OpenedAt.IsZero() || r.ClosesAt.IsZero():
		return 0, fmt.Errorf("create %s check-in run of %s: no opening or closing time", r.Survey.Name, r.Community)
	}
	for _, m := range recipients {
		if m == "" {
			return 0, fmt.Errorf("create %s check-in run of %s: a recipient without id", r.Survey.Name, r.Community)
		}
	}
	def, err := json.Marshal(r.Survey)
	if err != nil {
		return 0, err
	}
	c := s.communityRow(r.Community)
	row := &run{id: s.nextID("run"), community: r.Community, survey: r.Survey.Name, definition: def, delivery: r.Delivery,
		channel: r.Channel, post: r.Post, anonymous: r.Anonymous, startedBy: r.StartedBy, schedule: r.Schedule,
		opened: ms(r.OpenedAt), closes: ms(r.ClosesAt), reminded: opt(r.RemindedAt), closed: opt(r.ClosedAt),
		answers: map[[2]string]string{}}
	if len(r.Salt) > 0 {
		row.salt = slices.Clone(r.Salt)
	}
	for _, m := range recipients {
		if row.recipient(m) == nil {
			s.memberRow(c, m, row.opened)
			row.recipients = append(row.recipients, &recipient{member: m, status: checkins.RecipientPending, sentAt: null})
		}
	}
	s.runs[row.id] = row
	return row.id, nil
}

func (r *run) recipient(member string) *recipient {
	for _, x := range r.recipients {
		if x.member == member {
			return x
		}
	}
	return nil
}

// CheckinRun returns one run of a community, or bot.ErrNotFound.
func (s *Store) CheckinRun(ctx context.Context, community string, id int64) (checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CheckinRun", community, id); err != nil {
		return checkins.CheckinRun{}, err
	}
	if r := s.runs[id]; r != nil && r.community == community {
		return r.bot()
	}
	return checkins.CheckinRun{}, fmt.Errorf("check-in run %d of %s: %w", id, community, bot.ErrNotFound)
}

// listRuns returns the runs matching keep, newest first (opening time, then id).
func (s *Store) listRuns(keep func(*run) bool) ([]checkins.CheckinRun, error) {
	var rs []*run
	for _, r := range s.runs {
		if keep(r) {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b *run) int { return cmp.Or(cmp.Compare(b.opened, a.opened), cmp.Compare(b.id, a.id)) })
	out := []checkins.CheckinRun{}
	for _, r := range rs {
		br, err := r.bot()
		if err != nil {
			return nil, err
		}
		out = append(out, br)
	}
	return out, nil
}

// CheckinRuns lists a community's runs matching q, newest first. Open and
// Closed together match nothing.
func (s *Store) CheckinRuns(ctx context.Context, community string, q checkins.RunQuery) ([]checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CheckinRuns", community, q); err != nil {
		return nil, err
	}
	out, err := s.listRuns(func(r *run) bool {
		return r.community == community && (q.Survey == "" || r.survey == q.Survey) &&
			(!q.Open || r.closed == null) && (!q.Closed || r.closed != null)
	})
	if err == nil && q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, err
}

// OpenRunsFor lists the runs not closed yet that have member among their
// recipients, whatever their status, newest first.
func (s *Store) OpenRunsFor(ctx context.Context, community, member string) ([]checkins.CheckinRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("OpenRunsFor", community, member); err != nil {
		return nil, err
	}
	return s.listRuns(func(r *run) bool { return r.community == community && r.closed == null && r.recipient(member) != nil })
}

// Recipients lists a run's recipients in the order they were added, with
// their current names; none for an unknown run.
func (s *Store) Recipients(ctx context.Context, id int64) ([]checkins.Recipient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Recipients", id); err != nil {
		return nil, err
	}
	out := []checkins.Recipient{}
	r := s.runs[id]
	if r == nil {
		return out, nil
	}
	c := s.communities[r.community]
	for _, x := range r.recipients {
		var name string
		if m := c.members[x.member]; m != nil {
			name = m.name
		}
		out = append(out, checkins.Recipient{Member: x.member, Name: name, Status: x.status, SentAt: tm(x.sentAt), Awaiting: x.awaiting})
	}
	return out, nil
}

// SetRecipient adds r to a run's recipients, after the others, or updates
// its status, send time and awaited question. A member not seen yet gets a
// row, first seen at r.SentAt (or the run's opening). bot.ErrNotFound for
// an unknown run.
func (s *Store) SetRecipient(ctx context.Context, id int64, r checkins.Recipient) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SetRecipient", id, r); err != nil {
		return err
	}
	if r.Member == "" || r.Status == "" {
		return fmt.Errorf("set recipient %q of check-in run %d: no member or status", r.Member, id)
	}
	row := s.runs[id]
	if row == nil {
		return fmt.Errorf("check-in run %d: %w", id, bot.ErrNotFound)
	}
	first := row.opened
	if !r.SentAt.IsZero() {
		first = ms(r.SentAt)
	}
	s.memberRow(s.communities[row.community], r.Member, first)
	x := row.recipient(r.Member)
	if x == nil {
		x = &recipient{member: r.Member}
		row.recipients = append(row.recipients, x)
	}
	x.status, x.sentAt, x.awaiting = r.Status, opt(r.SentAt), r.Awaiting
	return nil
}

// ClaimRecipient moves a recipient from pending to sending and reports
// whether this call did: of any number of callers, exactly one gets true.
func (s *Store) ClaimRecipient(ctx context.Context, id int64, member string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ClaimRecipient", id, member); err != nil {
		return false, err
	}
	if r := s.runs[id]; r != nil {
		if x := r.recipient(member); x != nil && x.status == checkins.RecipientPending {
			x.status = checkins.RecipientSending
			return true, nil
		}
	}
	return false, nil
}

// SaveAnswers sets a respondent's answers to the questions in answers; an
// empty value removes that answer. bot.ErrNotFound for an unknown run.
func (s *Store) SaveAnswers(ctx context.Context, id int64, respondent string, answers map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveAnswers", id, respondent, answers); err != nil {
		return err
	}
	if respondent == "" {
		return fmt.Errorf("save answers to check-in run %d: no respondent", id)
	}
	if _, ok := answers[""]; ok {
		return fmt.Errorf("save answers of %s to check-in run %d: an answer without question", respondent, id)
	}
	r := s.runs[id]
	if r == nil {
		return fmt.Errorf("check-in run %d: %w", id, bot.ErrNotFound)
	}
	for q, v := range answers {
		if v == "" {
			delete(r.answers, [2]string{respondent, q})
		} else {
			r.answers[[2]string{respondent, q}] = v
		}
	}
	return nil
}

// Answers returns a run's answers ordered by respondent, then question.
func (s *Store) Answers(ctx context.Context, id int64) ([]checkins.SurveyAnswer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Answers", id); err != nil {
		return nil, err
	}
	out := []checkins.SurveyAnswer{}
	if r := s.runs[id]; r != nil {
		for _, k := range slices.SortedFunc(maps.Keys(r.answers), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		}) {
			out = append(out, checkins.SurveyAnswer{Respondent: k[0], Question: k[1], Value: r.answers[k]})
		}
	}
	return out, nil
}

// RespondentAnswers returns one respondent's answers to a run, by question.
func (s *Store) RespondentAnswers(ctx context.Context, id int64, respondent string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RespondentAnswers", id, respondent); err != nil {
		return nil, err
	}
	out := map[string]string{}
	if r := s.runs[id]; r != nil {
		for k, v := range r.answers {
			if k[0] == respondent {
				out[k[1]] = v
			}
		}
	}
	return out, nil
}

// MarkReminded records when a run's reminder went out, or returns
// bot.ErrNotFound.
func (s *Store) MarkReminded(ctx context.Context, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("MarkReminded", id, at); err != nil {
		return err
	}
	if at.IsZero() {
		return fmt.Errorf("mark check-in run %d reminded: no time", id)
	}
	r := s.runs[id]
	if r == nil {
		return fmt.Errorf("check-in run %d: %w", id, bot.ErrNotFound)
	}
	r.reminded = ms(at)
	return nil
}

// CloseRun closes a run at at and forgets its salt. It reports false when
// the run was closed already, and returns bot.ErrNotFound for an unknown run.
func (s *Store) CloseRun(ctx context.Context, id int64, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("CloseRun", id, at); err != nil {
		return false, err
	}
	if at.IsZero() {
		return false, fmt.Errorf("close check-in run %d: no time", id)
	}
	r := s.runs[id]
	if r == nil {
		return false, fmt.Errorf("check-in run %d: %w", id, bot.ErrNotFound)
	}
	if r.closed != null {
		return false, nil
	}
	r.closed, r.salt = ms(at), nil
	return true, nil
}

// sortMembers orders members by name (case-insensitively), then id.
func sortMembers(ms []*member) []bot.Member {
	slices.SortFunc(ms, func(a, b *member) int { return cmp.Or(cmp.Compare(a.nameFold, b.nameFold), cmp.Compare(a.ext, b.ext)) })
	out := []bot.Member{}
	for _, m := range ms {
		out = append(out, m.bot())
	}
	return out
}

// ActiveMembers lists a community's members who have not left, bots
// included, by name, then id.
func (s *Store) ActiveMembers(ctx context.Context, community string) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ActiveMembers", community); err != nil {
		return nil, err
	}
	var found []*member
	if c, ok := s.find(community); ok {
		for _, m := range c.members {
			if m.leftAt == null {
				found = append(found, m)
			}
		}
	}
	return sortMembers(found), nil
}

// ChannelMembers lists the members, not left and not bots, with activity
// in channel at or after since, by name, then id.
func (s *Store) ChannelMembers(ctx context.Context, community, channel string, since time.Time) ([]bot.Member, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ChannelMembers", community, channel, since); err != nil {
		return nil, err
	}
	var found []*member
	if c, ok := s.find(community); ok && channel != "" {
		seen := map[string]bool{}
		for _, e := range c.evs {
			if e.channel == channel && e.at >= ms(since) && activityIndex(e.kind) >= 0 && !seen[e.member] {
				seen[e.member] = true
				if m := c.members[e.member]; m.leftAt == null && !m.isBot {
					found = append(found, m)
				}
			}
		}
	}
	return sortMembers(found), nil
}
