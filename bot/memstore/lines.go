package memstore

import (
	"context"
	"fmt"
	"time"
)

// ClaimLine records that the line with identity hash was applied in a
// community and reports whether this call recorded it: of any number of
// callers, exactly one gets true for a (community, hash).
func (s *Store) ClaimLine(ctx context.Context, community, hash string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ClaimLine", community, hash, at); err != nil {
		return false, err
	}
	if community == "" || hash == "" {
		return false, fmt.Errorf("claim line %q of %q: no community or hash", hash, community)
	}
	k := community + "\x00" + hash
	if s.lines[k] {
		return false, nil
	}
	if s.lines == nil {
		s.lines = map[string]bool{}
	}
	s.lines[k] = true
	return true, nil
}
