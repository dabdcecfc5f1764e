package ecloud

import (
	"bytes"
	"encoding/json"
	"reflect"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Decoding success bodies. encoding/json (v1) is the reference: what it
// decodes, and how, is what the SDK promises (unknown fields ignored, names
// matched case-insensitively, the last of duplicate names wins, invalid UTF-8
// replaced by U+FFFD, null leaving a slice or pointer nil, RFC 3339 times).
// The work is done by the encoding/json/v2 engine, about twice as fast on
// large lists, set to v1's semantics by jsonv1.DefaultOptionsV1 (the options
// with which Go itself runs encoding/json on that engine). Two differences
// remain, and are closed here:
//
//   - v1 hands a time its JSON string as written and refuses escapes in it;
//     the engine unescapes first. Bodies with a backslash anywhere decode
//     with v1's own time rule (slower: the engine then asks, for every value,
//     whether its type has its own rule; bodies without one cannot differ).
//   - The engine's errors are not v1's types (*json.SyntaxError,
//     *json.UnmarshalTypeError). A body the engine refuses is decoded again
//     by encoding/json, whose answer, error or value, is the result.
//
// TestDecodeMatchesEncodingJSON and FuzzDecode compare the two on bodies
// built to find differences.
var (
	v1Semantics = jsonv1.DefaultOptionsV1()
	v1Escapes   = jsonv2.JoinOptions(v1Semantics, jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(unmarshalTimeAsV1)))
)

// unmarshalTimeAsV1 decodes a time as encoding/json does: its JSON value,
// escapes and all, goes to time.Time.UnmarshalJSON.
func unmarshalTimeAsV1(dec *jsontext.Decoder, t *time.Time) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return t.UnmarshalJSON(v)
}

// decodeBody decodes a success body into out, a pointer to a zero value, as
// encoding/json would.
func decodeBody(body []byte, out any) error {
	if l, ok := out.(presizer); ok {
		l.presize(body)
	}
	opts := v1Semantics
	if bytes.IndexByte(body, '\\') >= 0 {
		opts = v1Escapes
	}
	if jsonv2.Unmarshal(body, out, opts) == nil {
		return nil
	}
	reflect.ValueOf(out).Elem().SetZero()
	return json.Unmarshal(body, out)
}

// A presizer is a list wrapper that sizes its slice for body before it is
// decoded, so that decoding does not grow the slice again and again (at
// 10,000 invitations, growing took more memory than all the rest).
type presizer interface{ presize(body []byte) }

func (w *organizationInvitations) presize(body []byte) {
	w.Invitations = presized[OrganizationInvitation](body, "invitations")
}

func (w *organizationMemberships) presize(body []byte) {
	w.Members = presized[OrganizationMembership](body, "members")
}

// minPresizedBody is the smallest body whose list is presized; below it,
// growing the slice costs little.
const minPresizedBody = 64 << 10

// presized returns an empty slice with room for the elements of the list
// that body holds under name, or nil when there is none to size. The number
// is estimated from the size of the first element, with an eighth more for
// larger ones. The estimate is a capacity, never a length: decoding decides
// what the slice holds, and a list presized here is one that the body does
// hold, so that a missing list stays nil. The capacity takes at most as many
// bytes as the rest of the body, so a body of tiny first elements cannot make
// it large.
func presized[T any](body []byte, name string) []T {
	if len(body) < minPresizedBody {
		return nil
	}
	start, first := firstElement(body, name)
	if first <= 0 {
		return nil
	}
	rest := int64(len(body)) - start
	n := rest/(first+1) + rest/(first+1)/8 + 1 // +1: the comma
	n = min(n, rest/int64(reflect.TypeFor[T]().Size()))
	return make([]T, 0, n)
}

// firstElement finds, in the top-level object of body, the member name whose
// value is a non-empty array, and returns where its elements start and the
// size of the first; 0 if there is no such member.
func firstElement(body []byte, name string) (start, size int64) {
	dec := jsontext.NewDecoder(bytes.NewBuffer(body), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return 0, 0
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return 0, 0
		}
		if tok.String() != name || dec.PeekKind() != '[' {
			if dec.SkipValue() != nil {
				return 0, 0
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			return 0, 0
		}
		start = dec.InputOffset()
		if dec.PeekKind() == ']' || dec.SkipValue() != nil {
			return 0, 0
		}
		return start, dec.InputOffset() - start
	}
	return 0, 0
}
