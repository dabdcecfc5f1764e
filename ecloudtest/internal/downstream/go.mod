// A module of its own, as a downstream team's would be: it sees only the
// exported API of ecloud and ecloudtest. .ci/run tests it.
module example.com/invitesync

go 1.24

require github.com/ecloud-go/ecloud v0.0.0

require (
	github.com/go-json-experiment/json v0.0.0-20250813024750-ebf49471dced // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	github.com/jarcoal/httpmock v1.4.2 // indirect
	golang.org/x/time v0.12.0 // indirect
)

replace github.com/ecloud-go/ecloud => ../../..
