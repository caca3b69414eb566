package fakeslack

// The workspace's members and channels, as the fake knows them.

// AddUser adds (or replaces) a workspace member.
func (s *Server) AddUser(users ...User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		replaced := false
		for i := range s.users {
			if s.users[i].ID == u.ID {
				s.users[i] = u
				replaced = true
			}
		}
		if !replaced {
			s.users = append(s.users, u)
		}
	}
}

// AddChannel adds (or replaces) a conversation.
func (s *Server) AddChannel(chs ...Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range chs {
		c := c
		s.channels[c.ID] = &c
	}
}

func (s *Server) userLocked(id string) (User, bool) {
	for _, u := range s.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// canPostLocked says why Hearth cannot post in ch, or "".
func (s *Server) canPostLocked(ch string) string {
	if _, ok := s.groups[ch]; ok {
		return ""
	}
	for _, d := range s.dms {
		if d == ch {
			return ""
		}
	}
	c, ok := s.channels[ch]
	switch {
	case !ok:
		return "channel_not_found"
	case c.IsArchived:
		return "is_archived"
	case c.NotMember:
		return "not_in_channel"
	}
	return ""
}
