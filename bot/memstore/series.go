package memstore

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.ActivitySeriesSource = (*Store)(nil)

// ActivitySeries is a SummaryOnly Report per bucket: the reference the
// SQLite and PostgreSQL stores' one-pass series are tested against.
func (s *Store) ActivitySeries(ctx context.Context, q bot.ActivitySeriesQuery) ([]bot.ActivityBucket, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := make([]bot.ActivityBucket, len(q.Bounds)-1)
	for i := range out {
		from, to := q.Bounds[i], q.Bounds[i+1]
		rep, err := s.Report(ctx, bot.ReportQuery{Community: q.Community, Channel: q.Channel, From: from, To: to, SummaryOnly: true})
		if err != nil {
			return nil, err
		}
		m := rep.Members
		m.Quiet = 0
		out[i] = bot.ActivityBucket{From: from, To: to, Members: m, Activity: rep.Activity}
	}
	return out, nil
}
