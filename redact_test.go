package ecloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestRedact: a secret is replaced wherever a reader of the text could get
// it back: as it is, escaped for a URL path, or behind the backslash escapes
// a JSON encoder or a Go error's quoting may use, one or two layers deep and
// in any mix; and a secret's beginning is replaced at the end of a text that
// was cut, even in the middle of an escape.
func TestRedact(t *testing.T) {
	t.Parallel()
	secrets := []string{"KEY/a+b=", `pw"\<&>`, "tok-1", "🔑x"}
	cases := []struct {
		name, in, want string
	}{
		{"as_is", "key KEY/a+b= and tok-1.", "key [redacted] and [redacted]."},
		{"path_escaped", "/invitations/KEY%2Fa+b=/", "/invitations/[redacted]/"},
		{"slash_escaped", `{"e":"KEY\/a+b="}`, `{"e":"[redacted]"}`},
		{"unicode_escapes_any_case", `KEY\u002fa\u002Bb\u003d tok\u002D1`, `[redacted] [redacted]`},
		{"every_byte_escaped", `\u004b\u0045\u0059\u002f\u0061\u002b\u0062\u003d`, `[redacted]`},
		{"json_marshal_html_escapes", `"pw\"\\\u003c\u0026\u003e"`, `"[redacted]"`},
		{"go_quoting", `pw\"\\<&>`, `[redacted]`},
		{"hex_escape", `KEY\x2fa+b=`, `[redacted]`},
		{"surrogate_pair", `\ud83d\udd11x`, `[redacted]`},
		{"two_layers", `parsing time "KEY\\/a+b=" and "pw\\\"\\\\\\u003c\\u0026\\u003e"`, `parsing time "[redacted]" and "[redacted]"`},
		{"overlapping_forms", `tok-1 tok\u002d1tok-1`, `[redacted] [redacted][redacted]`},
		{"other_text_kept", `C:\new\path \u00e9 \q \u12 KEY/a+b`, `C:\new\path \u00e9 \q \u12 KEY/a+b`},
		{"escape_cut_at_the_end_kept", `nothing here \u00`, `nothing here \u00`},
		// Found in the order of the list of secrets, not of the text.
		{"secrets_in_another_order", `tok\u002d1 KEY\/a+b=`, `[redacted] [redacted]`},
		{"secrets_in_a_mixed_order", `tok\u002d1 KEY\/a+b= \ud83d\udd11x`, `[redacted] [redacted] [redacted]`},
	}
	for _, tc := range cases {
		if got := redact(tc.in, secrets); got != tc.want {
			t.Errorf("%s: redact(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}

	tails := []struct {
		name, in, want string
	}{
		{"as_is", "body KEY/a", "body [redacted]"},
		{"path_escaped", "body KEY%2", "body [redacted]"},
		{"escaped", `body KEY\/a`, "body [redacted]"},
		{"cut_in_an_escape", `body KEY\`, "body [redacted]"},
		{"cut_in_a_unicode_escape", `body KEY\u00`, "body [redacted]"},
		{"two_layers", `body pw\\\"\\\\\\u00`, "body [redacted]"},
		{"no_secret", `body KEX\u00`, `body KEX\u00`},
	}
	for _, tc := range tails {
		if got := redactTail(tc.in, secrets); got != tc.want {
			t.Errorf("%s: redactTail(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// FuzzRedact: whatever the text, redaction never panics, and no secret is
// left in it as it is (redactTail runs after redact, on a text cut short).
func FuzzRedact(f *testing.F) {
	for _, s := range []string{`KEY\/a+b=`, `\u`, `\ud83d\u`, `\\\\\x`, "KEY%2Fa", `\uD83D\uDD11`} {
		f.Add(s)
	}
	secrets := []string{"KEY/a+b=", "🔑"}
	f.Fuzz(func(t *testing.T, s string) {
		clean := redact(s, secrets)
		for _, out := range []string{clean, redactTail(clean, secrets)} {
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("%q keeps %q: %q", s, secret, out)
				}
			}
		}
	})
}

// BenchmarkRedact: redaction costs a pass over the text per secret, plus one
// per layer of escapes, so a text four times longer costs about four times
// as much, escaped or not (1,000 secrets, as in a call that deletes 1,000
// invitations).
func BenchmarkRedact(b *testing.B) {
	secrets := make([]string, 1000)
	for i := range secrets {
		secrets[i] = fmt.Sprintf("tok-%08d/x", i)
	}
	for _, size := range []int{16 << 10, 64 << 10} {
		for _, kind := range []string{"plain", "escaped"} {
			var text strings.Builder
			for i := 0; text.Len() < size; i++ {
				if kind == "plain" {
					fmt.Fprintf(&text, `{"message":"invitation %s not found"},`, fmt.Sprintf("%08d", i))
				} else {
					fmt.Fprintf(&text, `{"message":"invitation tok-%08d\/x not found \u003c\u003e"},`, i%2000+1000)
				}
			}
			s := text.String()
			b.Run(fmt.Sprintf("%s/%dKiB", kind, size>>10), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					redact(s, secrets)
				}
			})
		}
	}
}

// TestRedactEdges: a secret at the very start or end of a text, after a
// path escape at offset 0 or a surrogate pair or a two-byte escape at the
// very end, and a secret whose last byte is the first of a rune that an
// escape spells (the whole escape goes).
func TestRedactEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		secret, in, want string
	}{
		{"/tok", "%2Ftok rest", "[redacted] rest"},
		{`pw"`, `pw\"`, "[redacted]"},
		{"k🔑", `k\ud83d\udd11`, "[redacted]"},
		{"x\xc3", `x\u00e9y`, "[redacted]y"},
		{"x\xc3", `ax\u00e9`, "a[redacted]"},
		// A password with a backslash that starts no escape, JSON-encoded:
		// its \u stays as it is in the decoded text.
		{`a\uZZ"b`, `{"p":"a\\uZZ\"b"}`, `{"p":"[redacted]"}`},
		{`a\xZ"b`, `{"p":"a\\xZ\"b"}`, `{"p":"[redacted]"}`},
	} {
		if got := redact(tc.in, []string{tc.secret}); got != tc.want {
			t.Errorf("redact(%q) of %q = %q, want %q", tc.in, tc.secret, got, tc.want)
		}
	}
}

// TestRedactedErrorAs: errors.As sees through a redacted error to a cause
// whose text and fields hold no secret, and finds nothing, leaving the
// target as it was, when the cause holds one.
func TestRedactedErrorAs(t *testing.T) {
	t.Parallel()
	const secret = "tok0123456789abcdef"
	var parseErr error
	_, parseErr = time.Parse(time.RFC3339, secret)
	clean := &json.UnmarshalTypeError{Value: "number", Field: "created_at", Type: reflect.TypeFor[time.Time]()}
	err := redactError(fmt.Errorf("%w; %w; %s", clean, parseErr, secret), []string{secret})
	if strings.Contains(err.Error(), secret) {
		t.Fatalf("err = %v", err)
	}
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr != clean {
		t.Errorf("errors.As found %v, want the *json.UnmarshalTypeError, which holds no secret", typeErr)
	}
	before := &time.ParseError{Value: "kept"}
	pe := before
	if errors.As(err, &pe) || pe != before {
		t.Errorf("errors.As found %#v, a *time.ParseError holding the token; want nothing, the target unchanged", pe)
	}
	// A cause whose text hides the secret but whose fields hold it.
	held := redactError(fmt.Errorf("%w: %s", &secretHolder{value: secret}, secret), []string{secret})
	var holder *secretHolder
	if errors.As(held, &holder) {
		t.Errorf("errors.As found %#v, whose field holds the token", holder)
	}
	var anyErr interface{ Error() string }
	if !errors.As(err, &anyErr) || strings.Contains(fmt.Sprintf("%v %#v", anyErr, anyErr), secret) {
		t.Errorf("errors.As found %#v as an error interface, want the redacted error itself", anyErr)
	}
	if !errors.Is(err, parseErr) {
		t.Error("errors.Is does not see through")
	}
}

// secretHolder is an error whose text does not show the value it holds.
type secretHolder struct{ value string }

func (*secretHolder) Error() string { return "a value was refused" }
