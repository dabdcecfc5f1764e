// Package ascii compares emails and domain names as the SDK does: ASCII
// letters case-insensitively, every other character exactly. Unicode case
// folding would make look-alikes equal: strings.ToLower and
// strings.EqualFold turn the Kelvin sign U+212A into an ASCII "k", so
// "\u212Aim@example.com" would be taken for kim@example.com.
package ascii

// Lower returns s with the ASCII letters A to Z lower-cased and every other
// byte as it is.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// EqualFold reports whether s and t are equal with ASCII letters compared
// case-insensitively and every other byte exactly.
func EqualFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		a, b := s[i], t[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}
