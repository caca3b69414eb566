package memstore

import (
	"context"

	"github.com/hearth-community/hearth/bot"
)

var _ bot.ActivitySeriesSource = (*Store)(nil)

// ActivitySeries is a SummaryOnly Report per bucket, the definition: the
// reference the SQLite and PostgreSQL stores' one-pass series are tested
// against.
func (s *Store) ActivitySeries(ctx context.Context, q bot.ActivitySeriesQuery) ([]bot.ActivityBucket, error) {
	return bot.SeriesByReports(ctx, s, q)
}
