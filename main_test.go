package ecloud

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any goroutine (a transport's connection loop, a
// test server, a retry timer) outlives the tests.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
