package store

import (
	"context"
	"errors"
	"fmt"
)

// statements are the writer's prepared statements. They are prepared once
// on the write connection; txState binds them to each transaction, which
// database/sql does without preparing them again.
type statements struct {
	byQuery map[string]*stmt
}

// writeQueries are the statements the writer runs per event; the rollup
// statements (rollupQueries) are prepared beside them.
var writeQueries = []string{
	sqlUpsertCommunity, sqlUpsertMember, sqlUpsertChannel,
	sqlInsertEvent, sqlInsertMessage, sqlInsertReply, sqlAnswer, sqlReanswer,
	sqlRetract, sqlTombstone, sqlJoin, sqlLeave,
	sqlMemberIsBot, sqlRetouch,
}

func prepareStatements(ctx context.Context, db *pool) (*statements, error) {
	queries := append(append([]string(nil), writeQueries...), rollupQueries()...)
	s := &statements{byQuery: make(map[string]*stmt, len(queries))}
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("prepare %.40q...: %w", q, err)
		}
		s.byQuery[q] = st
	}
	return s, nil
}

func (s *statements) close() error {
	var errs []error
	for _, st := range s.byQuery {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}
