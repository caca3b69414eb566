package bot

import (
	"context"
	"encoding/json"
	"slices"
	"time"
)

// SettingPilot keeps the pilot (JSON Pilot).
const SettingPilot = "pilot"

// Pilot is a community's pilot (step 2 of the practice guide: pilot with a
// few passionate members, then launch). While it runs, Hearth acts only in
// its channels and for its members.
type Pilot struct {
	Channels   []string  `json:"channels"` // channel ids; none: every channel
	Members    []string  `json:"members"`  // member ids; none: every member
	StartedAt  time.Time `json:"started_at"`
	LaunchedAt time.Time `json:"launched_at,omitzero"`
}

// Active reports whether the pilot runs (started, not launched).
func (p Pilot) Active() bool { return !p.StartedAt.IsZero() && p.LaunchedAt.IsZero() }

// inChannel reports whether Hearth acts in channel ("" is a DM or the
// community itself: always).
func (p Pilot) InChannel(channel string) bool {
	return !p.Active() || channel == "" || len(p.Channels) == 0 || slices.Contains(p.Channels, channel)
}

// forMember reports whether Hearth acts for member.
func (p Pilot) ForMember(member string) bool {
	return !p.Active() || len(p.Members) == 0 || slices.Contains(p.Members, member)
}

// Pilot returns the community's pilot. It is read from the store on every
// call, never kept in memory: another Hearth on the same database may start
// or launch it at any time. The event path asks once per batch; the read is
// one settings row.
func (b *Bot) Pilot(ctx context.Context, community string) (Pilot, error) {
	var p Pilot
	raw, err := b.store.Setting(ctx, community, SettingPilot)
	if err != nil {
		return Pilot{}, err
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			b.log.ErrorContext(ctx, "stored pilot does not read; acting everywhere", "community", community, "err", err)
			p = Pilot{}
		}
	}
	return p, nil
}
