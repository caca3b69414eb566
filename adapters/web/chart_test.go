package web

import (
	"slices"
	"testing"
)

func TestChartTicksAreRound(t *testing.T) {
	for _, c := range []struct {
		max  float64
		want []string
	}{
		{2.75, []string{"0", "1", "2", "3", "4", "5"}},
		{0.4, []string{"0", "0.2", "0.4", "0.6", "0.8", "1"}},
		{130, []string{"0", "50", "100", "150", "200"}},
		{1599, []string{"0", "500", "1,000", "1,500", "2,000"}},
		{7, []string{"0", "2", "4", "6", "8", "10"}},
	} {
		m := chart{Categories: []string{"a"}, Series: []chartSeries{{Name: "s", Values: []float64{c.max}}}}.Layout()
		var got []string
		for _, tk := range m.YTicks {
			got = append(got, tk.Label)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("max %v: ticks %v, want %v", c.max, got, c.want)
		}
	}
}
