package ascii

import "testing"

func TestLowerAndEqualFold(t *testing.T) {
	for _, tc := range []struct {
		s, lower string
	}{
		{"", ""},
		{"kim@example.com", "kim@example.com"},
		{"Kim@Example.COM", "kim@example.com"},
		{"AZaz@[`{", "azaz@[`{"},
		{"\u212Aim@example.com", "\u212Aim@example.com"}, // Kelvin sign: not a K
		{"ÉLODIE@example.com", "Élodie@example.com"},     // only ASCII letters change
		{"\u017Fam@example.com", "\u017Fam@example.com"}, // long s: not an s
	} {
		if got := Lower(tc.s); got != tc.lower {
			t.Errorf("Lower(%q) = %q, want %q", tc.s, got, tc.lower)
		}
		if !EqualFold(tc.s, tc.lower) || !EqualFold(tc.lower, tc.s) {
			t.Errorf("EqualFold(%q, %q) = false", tc.s, tc.lower)
		}
	}
	for _, pair := range [][2]string{
		{"kim@example.com", "\u212Aim@example.com"},
		{"Kim@example.com", "\u212Aim@example.com"},
		{"sam@example.com", "\u017Fam@example.com"},
		{"élodie@example.com", "Élodie@example.com"},
		{"a@example.com", "a@example.co"},
		{"@", "`"}, // one apart from A and a: not letters
		{"[", "{"},
	} {
		if EqualFold(pair[0], pair[1]) {
			t.Errorf("EqualFold(%q, %q) = true", pair[0], pair[1])
		}
	}
}
