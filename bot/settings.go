package bot

import "context"

// SettingsStore keeps per-community settings as small strings.
type SettingsStore interface {
	// Setting returns a setting's value, or "" when it is not set.
	Setting(ctx context.Context, community, key string) (string, error)
	// SetSetting sets a value; "" removes the setting.
	SetSetting(ctx context.Context, community, key, value string) error
}

// Setting keys.
const (
	SettingDigestChannel = "digest.channel" // where the weekly digest goes
)
