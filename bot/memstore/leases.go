package memstore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// lease is a held lease: who holds it and until when.
type lease struct {
	holder  string
	expires time.Time
}

// AcquireLease takes the lease name for holder until now+ttl, or extends it
// when holder has it already, and reports whether holder has it now: false
// while another holder's lease has not expired by now (as the SQLite store,
// to the millisecond).
func (s *Store) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("AcquireLease", name, holder, now, ttl); err != nil {
		return false, err
	}
	if name == "" || holder == "" || ttl <= 0 {
		return false, fmt.Errorf("acquire lease %q for %q: no name, no holder or no time to live", name, holder)
	}
	if l, ok := s.leases[name]; ok && l.holder != holder && l.expires.UnixMilli() > now.UnixMilli() {
		return false, nil
	}
	if s.leases == nil {
		s.leases = map[string]lease{}
	}
	s.leases[name] = lease{holder: holder, expires: now.Add(ttl)}
	return true, nil
}

// ReleaseLease gives up holder's lease name; another holder's is left alone.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.failed("ReleaseLease", name, holder); err != nil {
		return err
	}
	if name == "" || holder == "" {
		return errors.New("release lease: no name or holder")
	}
	if l, ok := s.leases[name]; ok && l.holder == holder {
		delete(s.leases, name)
	}
	return nil
}
