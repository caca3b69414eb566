package bot_test

import (
	"math"
	"testing"

	"github.com/hearth-community/hearth/bot"
)

// TestThousands: every count a person reads is grouped in threes, signs
// and the largest ints included.
func TestThousands(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 142923: "142,923", 1234567: "1,234,567",
		-45000: "-45,000", -999: "-999", -1000: "-1,000",
		math.MaxInt64: "9,223,372,036,854,775,807", math.MinInt64: "-9,223,372,036,854,775,808",
	} {
		if got := bot.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
