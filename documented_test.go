package ecloud

import "time"

// The limits as the README and the package documentation state them. Tests
// compare what the client does with these numbers, never with the constants
// of the code that define the limits: a test that compares a limit with its
// own constant still passes when the constant changes.
const (
	documentedSuccessCap   = 32 << 20 // "A success body may be at most 32 MiB"
	documentedErrorCap     = 64 << 10 // "Error bodies are read up to 64 KiB"
	documentedCodes        = 16       // "the first 16 distinct codes of at most 128 bytes"
	documentedCodeLen      = 128
	documentedPrinted      = 5 // "at most five body errors and five header codes, each cut to 200 bytes"
	documentedClip         = 200
	documentedRawLimit     = 64      // client.RateLimit(): "the raw text: up to 64 bytes"
	documentedPooledBuffer = 8 << 20 // "kept by size up to 8 MiB"

	// Far-off waits and windows are clamped to 1000 hours (some 41 days), so
	// that no arithmetic on them overflows: a Retry-After or a rate-limit
	// interval in seconds beyond it counts as 1000 hours.
	clampedWait = 1000 * time.Hour
)
