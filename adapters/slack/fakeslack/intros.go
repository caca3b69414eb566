package fakeslack

import (
	"slices"
	"strconv"
)

// openGroupLocked is conversations.open with several users: a group DM
// (Slack's mpim) with them and the bot, the same one for the same users in
// any order. s.mu must be held.
func (s *Server) openGroupLocked(users []string) (map[string]any, string) {
	if len(users) > 8 {
		return nil, "too_many_users"
	}
	for _, id := range users {
		u, ok := s.userLocked(id)
		if !ok || u.Deleted {
			return nil, "user_not_found"
		}
		if u.IsBot || u.ID == SlackbotID {
			return nil, "cannot_dm_bot"
		}
	}
	sorted := slices.Sorted(slices.Values(users))
	sorted = slices.Compact(sorted)
	for id, members := range s.groups {
		if slices.Equal(members, sorted) {
			return map[string]any{"channel": map[string]any{"id": id, "is_mpim": true}, "no_op": true, "already_open": true}, ""
		}
	}
	if s.groups == nil {
		s.groups = map[string][]string{}
	}
	id := "G" + strconv.Itoa(len(s.groups)+1) + "MPIM"
	s.groups[id] = sorted
	return map[string]any{"channel": map[string]any{"id": id, "is_mpim": true}}, ""
}

// GroupDM returns the members of a group DM conversations.open created
// (sorted), or nil if channel is not one.
func (s *Server) GroupDM(channel string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.groups[channel])
}
