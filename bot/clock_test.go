package bot_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hearth-community/hearth/bot"
)

// TestSleep checks the real wait's contract without sleeping: a done
// context ends it at once, and no wait is no wait.
func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := bot.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep with ctx done = %v, want context.Canceled", err)
	}
	if err := bot.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	if err := bot.Sleep(ctx, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep(0) with ctx done = %v, want context.Canceled", err)
	}
}
