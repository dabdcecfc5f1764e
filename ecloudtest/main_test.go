package ecloudtest

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine (a test server, a connection loop)
// outlives the tests: every Server must be closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
