package ecloud

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Redaction: credentials and invitation tokens (the secrets) are replaced
// with "[redacted]" in everything the SDK keeps or prints of what a server
// sent, and in the errors it returns.

// redacted replaces a secret.
const redacted = "[redacted]"

// maxUnescapeLayers is how many layers of backslash escapes redaction sees
// through. A secret in a JSON body may be escaped once (\/, \", \u003c);
// quoted again in a Go error's text (time.Time's decoding error quotes the
// raw JSON), it is escaped twice.
const maxUnescapeLayers = 2

// redact replaces every secret in s with "[redacted]": as it is, escaped for
// a URL path, and behind up to two layers of the backslash escapes of JSON
// and Go strings (\/, \", \\, \n, \u00XX and surrogate pairs, \xXX), in
// whatever mix a server's JSON encoder chose. It costs a pass over s per
// secret and, when s holds a backslash, a decoding pass per layer and a
// pass over the decoded text per secret: linear in len(s) for each secret.
func redact(s string, lists ...[]string) string {
	for _, list := range lists {
		for _, secret := range list {
			for _, form := range forms(secret, s) {
				if form != "" {
					s = strings.ReplaceAll(s, form, redacted)
				}
			}
		}
	}
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	u := unescape(s)
	var spans []span // of s
	for _, list := range lists {
		for _, secret := range list {
			for _, form := range forms(secret, u.text) {
				for i := 0; form != ""; {
					j := strings.Index(u.text[i:], form)
					if j < 0 {
						break
					}
					i += j + len(form)
					spans = append(spans, span{u.start(i - len(form)), u.end(i)})
				}
			}
		}
	}
	return replaceSpans(s, spans)
}

// redactTail replaces the beginning of a secret (as redact sees it) left at
// the end of s, where s was cut, with "[redacted]". An escape cut short at
// the very end goes with it.
func redactTail(s string, lists ...[]string) string {
	u := unescape(s)
	cut := len(u.text) // where the earliest beginning of a secret starts in u.text
	for _, list := range lists {
		for _, secret := range list {
			for _, form := range forms(secret, u.text) {
				for k := min(len(form)-1, len(u.text)); k > 0; k-- {
					if strings.HasSuffix(u.text, form[:k]) {
						cut = min(cut, len(u.text)-k)
						break
					}
				}
			}
		}
	}
	if cut == len(u.text) {
		return s
	}
	return s[:u.start(cut)] + redacted
}

// forms returns the forms of secret that text may hold: the secret itself,
// and its URL-path-escaped form when it differs and text holds a '%' (or "",
// so that a text without one costs no escaping).
func forms(secret, text string) [2]string {
	f := [2]string{secret}
	if secret != "" && strings.IndexByte(text, '%') >= 0 {
		if escaped := url.PathEscape(secret); escaped != secret {
			f[1] = escaped
		}
	}
	return f
}

// span is a part of a text, from start to end.
type span struct{ start, end int }

// replaceSpans replaces the spans of s, which may overlap, with "[redacted]".
func replaceSpans(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	done := 0 // s[:done] is written or replaced
	for _, sp := range spans {
		if sp.start >= done {
			b.WriteString(s[done:sp.start])
			b.WriteString(redacted)
		}
		done = max(done, sp.end)
	}
	b.WriteString(s[done:])
	return b.String()
}

// unescaped is a text with its backslash escapes decoded, and where each of
// its bytes came from in the original text.
type unescaped struct {
	text string
	// from[i] is the offset in the original of the escape (or the byte)
	// that text[i] came from; from[len(text)] is where the decoded part of
	// the original ends: its length, or where an escape cut short at its
	// end starts. nil when nothing was decoded: text is the original.
	from []int32
}

// start returns the offset in the original of the escape (or byte) that
// text[i] came from, or the end of the decoded part for i == len(text).
func (u *unescaped) start(i int) int {
	if u.from == nil {
		return i
	}
	return int(u.from[i])
}

// end returns the offset in the original where the escape (or byte) that
// text[i-1] came from ends.
func (u *unescaped) end(i int) int {
	for u.from != nil && i < len(u.text) && u.from[i] == u.from[i-1] {
		i++ // a byte of the same escape: a rune of several bytes
	}
	return u.start(i)
}

// unescape decodes s layer by layer, up to maxUnescapeLayers layers, while
// it holds backslashes.
func unescape(s string) unescaped {
	u := unescaped{text: s}
	for range maxUnescapeLayers {
		if strings.IndexByte(u.text, '\\') < 0 {
			break
		}
		text, from := unescapeOnce(u.text)
		if u.from != nil {
			for i, f := range from {
				from[i] = u.from[f]
			}
		}
		u = unescaped{text: text, from: from}
	}
	return u
}

// unescapeOnce decodes one layer of the backslash escapes of s, those of
// JSON strings and \xXX of Go's. A backslash that starts no escape is kept
// as it is; an escape cut short at the end of s ends the text.
func unescapeOnce(s string) (string, []int32) {
	text := make([]byte, 0, len(s))
	from := make([]int32, 0, len(s)+1)
	i := 0
	for i < len(s) {
		if s[i] != '\\' {
			text = append(text, s[i])
			from = append(from, int32(i))
			i++
			continue
		}
		r, n := decodeEscape(s[i:])
		switch {
		case n == 0: // cut short at the end
			return string(text), append(from, int32(i))
		case n < 0: // not an escape
			text = append(text, '\\')
			from = append(from, int32(i))
			i++
			continue
		case s[i+1] == 'x': // a byte, not a rune
			text = append(text, byte(r))
			from = append(from, int32(i))
		default:
			for range utf8.RuneLen(r) {
				from = append(from, int32(i))
			}
			text = utf8.AppendRune(text, r)
		}
		i += n
	}
	return string(text), append(from, int32(i))
}

// decodeEscape decodes the escape at the start of s, which starts with a
// backslash: the rune and the escape's length; n is 0 when s ends before
// the escape does, and -1 when s starts no escape.
func decodeEscape(s string) (r rune, n int) {
	if len(s) < 2 {
		return 0, 0
	}
	switch c := s[1]; c {
	case '"', '\\', '/', '\'':
		return rune(c), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'x':
		return hexEscape(s, 2)
	case 'u':
		r, n = hexEscape(s, 4)
		if n != 6 || !utf16.IsSurrogate(r) {
			return r, n
		}
		rest := s[6:] // the second half of a surrogate pair, if any
		if len(rest) < 6 && strings.HasPrefix(`\u`, rest[:min(len(rest), 2)]) {
			return 0, 0 // it may have been cut
		}
		if strings.HasPrefix(rest, `\u`) {
			if low, m := hexEscape(rest, 4); m == 6 {
				if pair := utf16.DecodeRune(r, low); pair != utf8.RuneError {
					return pair, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	return 0, -1
}

// hexEscape decodes the digits hex digits after the two bytes of s's escape
// (\x or \u), with decodeEscape's results.
func hexEscape(s string, digits int) (rune, int) {
	var r rune
	for i := 2; i < 2+digits; i++ {
		if i >= len(s) {
			return 0, 0
		}
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, -1
		}
		r = r<<4 | rune(c)
	}
	return r, 2 + digits
}

// redactError returns err, or, when its text holds a secret, an error with
// the redacted text that still matches what err matches with errors.Is.
// errors.As sees through it only to an error whose text and Go syntax (%#v)
// hold no secret, such as a *json.UnmarshalTypeError; not to a
// *time.ParseError quoting the token a server put in a time. errors.Unwrap
// does not see through it, so that the raw text cannot be reached by
// unwrapping.
func redactError(err error, lists ...[]string) error {
	msg := err.Error()
	if clean := redact(msg, lists...); clean != msg {
		return &redactedError{msg: clean, err: err, secrets: lists}
	}
	return err
}

// redactError is err without the client's credentials and the call's
// secrets in its text (see the function redactError), for an error whose
// text may quote what a server sent, such as the decoding error of a body.
func (c *Client) redactError(r *call, err error) error {
	return redactError(err, c.cred.secrets, r.secrets)
}

type redactedError struct {
	msg     string
	err     error
	secrets [][]string
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// GoString is what %#v prints: the redacted text only, not the raw error
// nor the secrets.
func (e *redactedError) GoString() string {
	return "&ecloud.redactedError{msg:" + strconv.Quote(e.msg) + "}"
}

// As finds what errors.As finds in the raw error, unless that holds a
// secret; then it finds nothing, and leaves target as it was.
func (e *redactedError) As(target any) bool {
	t := reflect.ValueOf(target)
	if t.Kind() != reflect.Pointer || t.IsNil() {
		return errors.As(e.err, target) // panics as errors.As does
	}
	was := reflect.New(t.Type().Elem()).Elem()
	was.Set(t.Elem())
	if !errors.As(e.err, target) {
		return false
	}
	found := t.Elem().Interface()
	text := fmt.Sprintf("%#v", found)
	if err, ok := found.(error); ok {
		text += err.Error()
	}
	if redact(text, e.secrets...) != text {
		t.Elem().Set(was)
		return false
	}
	return true
}
