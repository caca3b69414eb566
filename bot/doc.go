// Package bot is Hearth's platform-agnostic core.
//
// It knows communities, members, channels and participation, the /hearth
// command table, and the report definitions. It declares the small interfaces
// it needs from the outside world (Store, Chat, Clock) and imports nothing but
// the standard library; adapters, the store and the scheduler implement those
// interfaces in their own packages, and cmd/hearth wires them together.
//
// Message text never reaches this package: participation is metadata (who,
// where, when, what kind), which is all the reports need.
package bot
