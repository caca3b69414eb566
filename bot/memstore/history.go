package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hearth-community/hearth/bot"
	"github.com/hearth-community/hearth/bot/history"
)

var _ history.Store = (*Store)(nil)

// historyState is the history imports, their channels and the tombstones
// of forgotten members, as the SQLite store's tables of migration 0015.
type historyState struct {
	imports    map[int64]*history.Import
	channels   map[int64][]*history.ChannelProgress // by import, in order
	tombstones map[[2]string]bool                   // community, member hash
	seq        int64
}

// history returns the state, creating it. The caller holds the mutex.
func (s *Store) history() *historyState {
	if s.hist == nil {
		s.hist = &historyState{imports: map[int64]*history.Import{}, channels: map[int64][]*history.ChannelProgress{}, tombstones: map[[2]string]bool{}}
	}
	return s.hist
}

func (h *historyState) tombstone(community, member string) {
	h.tombstones[[2]string{community, bot.MemberTombstone(community, member)}] = true
}

// unname blanks who asked for the community's imports.
func (h *historyState) unname(community, member string) {
	for _, imp := range h.imports {
		if imp.Community == community && imp.RequestedBy == member {
			imp.RequestedBy = ""
		}
	}
}

// RequestImport records a queued import of community's history.
func (s *Store) RequestImport(ctx context.Context, community, by string, since, at time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("RequestImport", community, by, since, at); err != nil {
		return 0, err
	}
	if community == "" || since.IsZero() || at.IsZero() {
		return 0, fmt.Errorf("request history import of %q: no community or time", community)
	}
	s.communityRow(community)
	h := s.history()
	h.seq++
	h.imports[h.seq] = &history.Import{ID: h.seq, Community: community, RequestedBy: by, Since: tm(ms(since)), RequestedAt: tm(ms(at)), Status: history.StatusQueued}
	return h.seq, nil
}

// Import returns one import, or bot.ErrNotFound.
func (s *Store) Import(ctx context.Context, id int64) (history.Import, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Import", id); err != nil {
		return history.Import{}, err
	}
	imp, ok := s.history().imports[id]
	if !ok {
		return history.Import{}, fmt.Errorf("history import %d: %w", id, bot.ErrNotFound)
	}
	return *imp, nil
}

// LatestImport returns the community's latest import, or bot.ErrNotFound.
func (s *Store) LatestImport(ctx context.Context, community string) (history.Import, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("LatestImport", community); err != nil {
		return history.Import{}, err
	}
	var latest *history.Import
	for _, imp := range s.history().imports {
		if imp.Community == community && (latest == nil || imp.ID > latest.ID) {
			latest = imp
		}
	}
	if latest == nil {
		return history.Import{}, fmt.Errorf("history import of %s: %w", community, bot.ErrNotFound)
	}
	return *latest, nil
}

// PendingImports lists the imports queued or running, oldest first.
func (s *Store) PendingImports(ctx context.Context) ([]history.Import, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("PendingImports"); err != nil {
		return nil, err
	}
	out := []history.Import{}
	for _, imp := range s.history().imports {
		if imp.Status.Pending() {
			out = append(out, *imp)
		}
	}
	slices.SortFunc(out, func(a, b history.Import) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// SaveImport saves an import's state.
func (s *Store) SaveImport(ctx context.Context, imp history.Import) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveImport", imp); err != nil {
		return err
	}
	cur, ok := s.history().imports[imp.ID]
	if !ok {
		return fmt.Errorf("history import %d: %w", imp.ID, bot.ErrNotFound)
	}
	cur.Status, cur.StartedAt, cur.FinishedAt = imp.Status, tm(opt(imp.StartedAt)), tm(opt(imp.FinishedAt))
	cur.ChannelsListed, cur.JoinsDone = imp.ChannelsListed, imp.JoinsDone
	cur.ProgressAt, cur.ProgressChannels, cur.Error = tm(opt(imp.ProgressAt)), imp.ProgressChannels, imp.Error
	return nil
}

// AddImportChannels lists the channels an import reads.
func (s *Store) AddImportChannels(ctx context.Context, id int64, channels []bot.Channel) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AddImportChannels", id, channels); err != nil {
		return err
	}
	h := s.history()
	for i, ch := range channels {
		if ch.ID == "" {
			return fmt.Errorf("list channels of history import %d: a channel without id", id)
		}
		if slices.ContainsFunc(h.channels[id], func(c *history.ChannelProgress) bool { return c.Channel == ch.ID }) {
			continue
		}
		h.channels[id] = append(h.channels[id], &history.ChannelProgress{Channel: ch.ID, Name: ch.Name, Position: i})
	}
	slices.SortStableFunc(h.channels[id], func(a, b *history.ChannelProgress) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Channel, b.Channel))
	})
	return nil
}

// ImportChannels returns an import's channels with their progress.
func (s *Store) ImportChannels(ctx context.Context, id int64) ([]history.ChannelProgress, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ImportChannels", id); err != nil {
		return nil, err
	}
	out := []history.ChannelProgress{}
	for _, c := range s.history().channels[id] {
		out = append(out, *c)
	}
	return out, nil
}

// SaveImportPage moves a channel's cursor from from to to, only when it is
// at from and not done.
func (s *Store) SaveImportPage(ctx context.Context, id int64, channel, from, to string, counts history.PageCounts, done bool) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("SaveImportPage", id, channel, from, to, counts, done); err != nil {
		return false, err
	}
	for _, c := range s.history().channels[id] {
		if c.Channel != channel {
			continue
		}
		if c.Cursor != from || c.Done {
			return false, nil
		}
		c.Cursor, c.Done = to, done
		c.PageCounts.Add(counts)
		return true, nil
	}
	return false, nil
}

// Tombstoned returns which of members were forgotten in community.
func (s *Store) Tombstoned(ctx context.Context, community string, members []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("Tombstoned", community, members); err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, m := range members {
		if s.history().tombstones[[2]string{community, bot.MemberTombstone(community, m)}] {
			out[m] = true
		}
	}
	return out, nil
}

// HistorySince is when the community's record starts once an import is done.
func (s *Store) HistorySince(ctx context.Context, community string) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("HistorySince", community); err != nil {
		return time.Time{}, false, err
	}
	var since time.Time
	for _, imp := range s.history().imports {
		if imp.Community == community && imp.Status == history.StatusDone && (since.IsZero() || imp.Since.Before(since)) {
			since = imp.Since
		}
	}
	if since.IsZero() {
		return time.Time{}, false, nil
	}
	if c, ok := s.find(community); ok {
		for _, e := range c.evs {
			if e.at < ms(since) {
				since = tm(e.at)
			}
		}
	}
	return since, true, nil
}
