package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/library"
)

var (
	_ library.ResourceStore = (*DB)(nil)
	_ library.StoryStore    = (*DB)(nil)
)

// maxWords bounds a resource search's words: each is a LIKE over the
// community's whole library.
const maxWords = 10

// normalizeTags returns tags as the library keeps them: lower case, without
// the leading '#' (a '#' inside a tag, as in "c#", is part of its name),
// split at spaces (tags are stored space-separated), sorted and distinct.
// Empty tags are dropped; the result is never nil.
func normalizeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		for _, f := range strings.Fields(t) {
			if f = strings.TrimLeft(fold(f), "#"); f != "" {
				out = append(out, f)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// escapeLike escapes s for a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// AddResource stores a resource and returns its id; ids are never reused.
// r.ID and r.MemberName are ignored; the tags are normalised
// (normalizeTags). A URL the community's library already has (exactly the
// same string) is not stored again: AddResource returns the first one's id
// and an error that is bot.ErrDuplicate. A member not known yet gets a row
// (see sqlKnownMember), first seen at r.SharedAt.
func (db *DB) AddResource(ctx context.Context, r library.Resource) (int64, error) {
	switch {
	case r.Community == "" || r.Member == "":
		return 0, fmt.Errorf("add resource of %q to %q: no community or member", r.Member, r.Community)
	case strings.TrimSpace(r.URL) == "":
		return 0, fmt.Errorf("add resource of %s to %s: no URL", r.Member, r.Community)
	case r.SharedAt.IsZero():
		return 0, fmt.Errorf("add resource of %s to %s: no time", r.Member, r.Community)
	}
	tags := strings.Join(normalizeTags(r.Tags), " ")
	search := fold(r.URL) + "\n" + fold(r.Note) + "\n" + tags
	shared := r.SharedAt.UnixMilli()
	var id int64
	var dup bool
	_, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, s *txState) (int, error) {
		id, dup = 0, false // a job may run twice
		cid, err := s.community(ctx, r.Community)
		if err != nil {
			return 0, err
		}
		// The duplicate is looked for first, and is not an error of the
		// job: that would roll back the other callers' writes too. Jobs
		// run one at a time, so no insert can come between.
		err = tx.QueryRowContext(ctx, `SELECT id FROM resources WHERE community_id = ? AND url = ?`, cid, r.URL).Scan(&id)
		if err == nil {
			dup = true
			return 0, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		mid, err := s.knownMember(ctx, tx, cid, r.Member, &shared)
		if err != nil {
			return 0, err
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO resources (community_id, member_id, channel, url, tags, note, search, shared_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, cid, mid, r.Channel, r.URL, tags, r.Note, search, shared).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add resource %s of %s to %s: %w", r.URL, r.Member, r.Community, err)
	}
	if dup {
		return id, fmt.Errorf("resource %s of %s: %w", r.URL, r.Community, bot.ErrDuplicate)
	}
	return id, nil
}

// sqlResources reads resources: r, their community c and sharer m.
const sqlResources = `SELECT r.id, c.ext_id, m.ext_id, m.name, r.channel, r.url, r.tags, r.note, r.shared_at
FROM resources r JOIN communities c ON c.id = r.community_id JOIN members m ON m.id = r.member_id`

func scanResource(row interface{ Scan(...any) error }) (library.Resource, error) {
	var r library.Resource
	var tags string
	var shared int64
	if err := row.Scan(&r.ID, &r.Community, &r.Member, &r.MemberName, &r.Channel, &r.URL, &tags, &r.Note, &shared); err != nil {
		return library.Resource{}, err
	}
	r.Tags = strings.Fields(tags)
	if r.Tags == nil {
		r.Tags = []string{}
	}
	r.SharedAt = time.UnixMilli(shared).UTC()
	return r, nil
}

// Resource returns one resource of a community, or bot.ErrNotFound (also
// when the id is another community's).
func (db *DB) Resource(ctx context.Context, community string, id int64) (library.Resource, error) {
	r, err := scanResource(db.read.QueryRowContext(ctx, sqlResources+` WHERE r.id = ? AND c.ext_id = ?`, id, community))
	if err != nil {
		return library.Resource{}, notFound(err, "resource %d of %s", id, community)
	}
	return r, nil
}

// Resources lists a community's resources that meet every condition of q,
// newest first (by SharedAt, then id), at most q.Limit (0 or less: all).
// q.Tag is normalised as AddResource normalises tags and must be one of the
// resource's tags exactly; a Tag that normalises to no tag, or to several,
// matches nothing. Each of q.Words (blank ones ignored) must appear in the
// URL, the note or the tags, case-insensitively (Unicode case folding, done
// in Go); '%' and '_' in a word are plain characters. More than 10 words is
// an error for the person who searched (bot.EArgument). None for an unknown
// community.
func (db *DB) Resources(ctx context.Context, community string, q library.ResourceQuery) ([]library.Resource, error) {
	where, args := []string{`c.ext_id = ?`}, []any{community}
	if q.Tag != "" {
		tags := normalizeTags([]string{q.Tag})
		if len(tags) != 1 {
			return []library.Resource{}, nil
		}
		where, args = append(where, `instr(' ' || r.tags || ' ', ?) > 0`), append(args, " "+tags[0]+" ")
	}
	var words []string
	for _, w := range q.Words {
		if w = fold(strings.TrimSpace(w)); w != "" && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	if len(words) > maxWords {
		return nil, bot.Errorf(bot.EArgument, "Please search with at most %d words.", maxWords)
	}
	for _, w := range words {
		where, args = append(where, `r.search LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(w)+"%")
	}
	if !q.Since.IsZero() {
		where, args = append(where, `r.shared_at >= ?`), append(args, q.Since.UnixMilli())
	}
	if !q.Until.IsZero() {
		where, args = append(where, `r.shared_at < ?`), append(args, q.Until.UnixMilli())
	}
	limit := q.Limit
	if limit <= 0 {
		limit = noLimit
	}
	rows, err := db.read.QueryContext(ctx, sqlResources+`
WHERE `+strings.Join(where, ` AND `)+`
ORDER BY r.shared_at DESC, r.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("resources of %s: %w", community, err)
	}
	defer rows.Close()
	out := []library.Resource{}
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, fmt.Errorf("resources of %s: %w", community, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("resources of %s: %w", community, err)
	}
	return out, nil
}

// RemoveResource deletes a resource of a community, or returns
// bot.ErrNotFound (also when the id is another community's). Its URL can
// then be shared again, under a new id.
func (db *DB) RemoveResource(ctx context.Context, community string, id int64) error {
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `DELETE FROM resources
WHERE id = ? AND community_id = (SELECT id FROM communities WHERE ext_id = ?)`, id, community)
	})
	if err != nil {
		return fmt.Errorf("remove resource %d of %s: %w", id, community, err)
	}
	if n == 0 {
		return fmt.Errorf("resource %d of %s: %w", id, community, bot.ErrNotFound)
	}
	return nil
}

// checkConsent returns c, bot.ConsentPrivate for "" (a story goes no
// further than facilitators unless its member said so), or an error for a
// consent that is not one of bot's.
func checkConsent(c library.StoryConsent) (library.StoryConsent, error) {
	switch c {
	case "":
		return library.ConsentPrivate, nil
	case library.ConsentPrivate, library.ConsentAnonymous, library.ConsentNamed:
		return c, nil
	}
	return "", fmt.Errorf("unknown consent %q", c)
}

// AddStory stores a story and returns its id; ids are never reused. s.ID
// and s.MemberName are ignored; an empty Consent is bot.ConsentPrivate, an
// empty Source "checkin" when s.Run is set and "command" otherwise. A story
// with s.Run set is kept once per run and member: adding it again replaces
// its text and consent, and keeps its id, source and time. A member not
// known yet gets a row (see sqlKnownMember), first seen at s.At.
func (db *DB) AddStory(ctx context.Context, s library.Story) (int64, error) {
	switch {
	case s.Community == "" || s.Member == "":
		return 0, fmt.Errorf("add story of %q to %q: no community or member", s.Member, s.Community)
	case strings.TrimSpace(s.Text) == "":
		return 0, fmt.Errorf("add story of %s to %s: no text", s.Member, s.Community)
	case s.At.IsZero():
		return 0, fmt.Errorf("add story of %s to %s: no time", s.Member, s.Community)
	}
	consent, err := checkConsent(s.Consent)
	if err != nil {
		return 0, fmt.Errorf("add story of %s to %s: %w", s.Member, s.Community, err)
	}
	if s.Source == "" {
		s.Source = "command"
		if s.Run != 0 {
			s.Source = "checkin"
		}
	}
	run := sql.NullInt64{Int64: s.Run, Valid: s.Run != 0}
	at := s.At.UnixMilli()
	var id int64
	_, err = db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, st *txState) (int, error) {
		cid, err := st.community(ctx, s.Community)
		if err != nil {
			return 0, err
		}
		mid, err := st.knownMember(ctx, tx, cid, s.Member, &at)
		if err != nil {
			return 0, err
		}
		// A check-in story is updated in place if there is one, rather than
		// by INSERT ... ON CONFLICT DO UPDATE, which would use up an id
		// each time: ids are shown in chat, and gaps would puzzle. Jobs
		// run one at a time, so no insert can come between; the unique
		// index stories_by_run still holds the rule.
		if run.Valid {
			err := tx.QueryRowContext(ctx, `UPDATE stories SET text = ?, consent = ?
WHERE community_id = ? AND run_id = ? AND member_id = ? RETURNING id`, s.Text, string(consent), cid, run, mid).Scan(&id)
			if !errors.Is(err, sql.ErrNoRows) {
				return 0, err
			}
		}
		return 0, tx.QueryRowContext(ctx, `INSERT INTO stories (community_id, member_id, text, consent, source, run_id, at)
VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, cid, mid, s.Text, string(consent), s.Source, run, at).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("add story of %s to %s: %w", s.Member, s.Community, err)
	}
	return id, nil
}

// SetStoryConsent changes the consent of one of a member's stories. A story
// that is not that member's in that community, or does not exist, is
// bot.ErrNotFound; a consent that is not one of bot's (or is empty) is an
// error.
func (db *DB) SetStoryConsent(ctx context.Context, community, member string, id int64, c library.StoryConsent) error {
	if c == "" {
		return fmt.Errorf("set consent of story %d of %s: no consent", id, community)
	}
	if _, err := checkConsent(c); err != nil {
		return fmt.Errorf("set consent of story %d of %s: %w", id, community, err)
	}
	n, err := db.w.do(ctx, 1, func(ctx context.Context, tx *txConn, _ *txState) (int, error) {
		return tx.execCount(ctx, `UPDATE stories SET consent = ?1
WHERE id = ?2 AND member_id = (SELECT m.id FROM members m JOIN communities c ON c.id = m.community_id
	WHERE c.ext_id = ?3 AND m.ext_id = ?4)`, string(c), id, community, member)
	})
	if err != nil {
		return fmt.Errorf("set consent of story %d of %s: %w", id, community, err)
	}
	if n == 0 {
		return fmt.Errorf("story %d of %s by %s: %w", id, community, member, bot.ErrNotFound)
	}
	return nil
}

// sqlStories reads stories: s, their community c and member m.
const sqlStories = `SELECT s.id, c.ext_id, m.ext_id, m.name, s.text, s.consent, s.source, s.run_id, s.at
FROM stories s JOIN communities c ON c.id = s.community_id JOIN members m ON m.id = s.member_id`

func scanStory(row interface{ Scan(...any) error }) (library.Story, error) {
	var s library.Story
	var consent string
	var run sql.NullInt64
	var at int64
	if err := row.Scan(&s.ID, &s.Community, &s.Member, &s.MemberName, &s.Text, &consent, &s.Source, &run, &at); err != nil {
		return library.Story{}, err
	}
	s.Consent, s.Run, s.At = library.StoryConsent(consent), run.Int64, time.UnixMilli(at).UTC()
	return s, nil
}

// Stories lists a community's stories at or after since (zero: all), of
// every consent, oldest first (by time, then id). None for an unknown
// community.
func (db *DB) Stories(ctx context.Context, community string, since time.Time) ([]library.Story, error) {
	query, args := sqlStories+` WHERE c.ext_id = ?`, []any{community}
	if !since.IsZero() {
		query, args = query+` AND s.at >= ?`, append(args, since.UnixMilli())
	}
	rows, err := db.read.QueryContext(ctx, query+` ORDER BY s.at, s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("stories of %s: %w", community, err)
	}
	defer rows.Close()
	out := []library.Story{}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return nil, fmt.Errorf("stories of %s: %w", community, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stories of %s: %w", community, err)
	}
	return out, nil
}
