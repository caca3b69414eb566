package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hearth-community/hearth/store"
)

func TestWritesAfterCloseAndCancel(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir()+"/x.db")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Record(ctx, msg("U1", "C1", "1", at(0, 0))); err == nil {
		// The writer may have taken it before noticing; either way it is
		// safe to retry, but a cancelled caller must not wait.
		t.Log("a cancelled Record was recorded (allowed)")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := db.Record(context.Background(), msg("U1", "C1", "2", at(0, 0))); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Record after Close: %v", err)
	}
	if err := db.AddFacilitator(context.Background(), community, "U1", "U2", at(0, 0)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("AddFacilitator after Close: %v", err)
	}
}
