package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.DeliveryStore = (*Store)(nil)

// deliveryKey is one claim of a fan-out: a job's DM to a member.
type deliveryKey struct{ job, member string }

// ClaimDelivery records that job's DM to member goes out and reports
// whether this call did: of any number of callers exactly one gets true. A
// member not known yet gets a row, there before Hearth started, first seen
// at at.
func (s *Store) ClaimDelivery(ctx context.Context, community, job, member string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ClaimDelivery", community, job, member, at); err != nil {
		return false, err
	}
	if community == "" || job == "" || member == "" {
		return false, fmt.Errorf("claim delivery %q to %q in %q: no community, job or member", job, member, community)
	}
	c := s.communityRow(community)
	s.knownMember(c, member, ms(at))
	k := deliveryKey{job, member}
	if _, ok := c.deliveries[k]; ok {
		return false, nil
	}
	c.deliveries[k] = ms(at)
	return true, nil
}
