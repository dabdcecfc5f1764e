// Package ecloud is an unofficial Go client for the Elastic Cloud and Elastic
// Cloud Enterprise (ECE) Organizations API: organizations, their members,
// their invitations and the members' role assignments, and the SSO
// administration of an organization: its claimed domains, its SAML identity
// provider and its role mappings.
//
// # Creating a client
//
// A client needs a credential; everything else has a default:
//
//	c, err := ecloud.NewClient(ecloud.WithAPIKey(os.Getenv("EC_API_KEY")))
//
// For ECE, give the installation's address (the API root /api/v1 is added
// when the URL has no path) and, if you use them, basic-auth credentials:
//
//	c, err := ecloud.NewClient(
//		ecloud.WithBaseURL("https://ece.example.com:12443"),
//		ecloud.WithBasicAuth("admin", password),
//	)
//
// NewClient does no I/O and reads no environment variable; OptionsFromEnv
// reads EC_API_KEY and EC_HOST when you want that. The SDK's own transport
// honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY, as net/http's default one
// does. Bad options are errors from NewClient. Plain http:// is refused
// except for loopback hosts (or with WithInsecureHTTP). A Client is safe for
// concurrent use; create one and share it.
//
// On ECE, the API documentation marks every operation but the four of domain
// claims as currently unavailable in self-hosted ECE.
//
// # Calling the API
//
// Each operation is one method, named after the spec's operationId
// (list-organization-invitations is ListOrganizationInvitations).
//
//	invs, err := c.ListOrganizationInvitations(ctx, orgID)
//
// Path parameters are escaped, so an ID can never reach another endpoint, and
// arguments the API would refuse (an empty ID, an empty list) fail with
// ErrInvalidArgument before anything is sent.
//
// # Interfaces
//
// Each area of the API has an interface: OrganizationsAPI, MembersAPI,
// InvitationsAPI, RoleAssignmentsAPI, DomainClaimsAPI, IdPAPI and
// RoleMappingsAPI. API embeds them all, and *Client implements every one.
// Depend on the narrowest interface your code needs (a function that lists
// invitations takes an InvitationsAPI), combine areas in an interface of your
// own, or declare your own with just the methods you call: Go interfaces are
// satisfied implicitly.
//
// The area interfaces and API gain methods when the API gains operations,
// which a minor version may do while this module is v0. A type that
// implements one method by method then stops compiling, so a hand-written
// fake should embed the interface it implements and define only the methods
// a test calls:
//
//	type fakeInvitations struct {
//		ecloud.InvitationsAPI // left nil: a method the fake does not define panics if called
//
//		deleted []string
//	}
//
//	func (f *fakeInvitations) DeleteOrganizationInvitations(ctx context.Context, org string, tokens []string) error {
//		f.deleted = append(f.deleted, tokens...)
//		return nil
//	}
//
// A new method is then inherited from the embedded interface instead of
// breaking the build. Package ecloudtest is a complete fake and needs none of
// this.
//
// # Errors
//
// Every non-2xx answer is an *APIError carrying the status, the error codes
// of the x-cloud-error-codes header and of the JSON body, and the raw body
// (at most 64 KiB) when it was not JSON (an HTML page from a proxy). That
// includes redirects: the API never redirects, so the client follows none,
// and a 3xx comes back as an *APIError; no write is turned into a GET and no
// credential or token goes to another address. Branch with errors.Is on the
// status-class sentinels, or on a code:
//
//	_, err := c.GetOrganization(ctx, id)
//	switch {
//	case errors.Is(err, ecloud.ErrNotFound):
//	case ecloud.HasCode(err, ecloud.CodeOrganizationInvalidAccess):
//	}
//
// VerifyDomainClaim answers 449 while the DNS record of a domain's
// verification code cannot be seen yet; that error matches
// ErrVerificationPending. It is not retried: poll, bounded by a deadline.
//
//	for {
//		err := c.VerifyDomainClaim(ctx, orgID, domain)
//		if !errors.Is(err, ecloud.ErrVerificationPending) {
//			return err // nil once claimed
//		}
//		select {
//		case <-ctx.Done():
//			return ctx.Err()
//		case <-time.After(30 * time.Second):
//		}
//	}
//
// When no complete answer arrived (connection refused, no answer within the
// attempt timeout, context ended) the error is a *RequestError that unwraps
// to its cause, so errors.Is(err, context.Canceled) works, and
// errors.Is(err, context.DeadlineExceeded) holds whenever time ran out. A 2xx
// that cannot be decoded, or that lacks a field the spec requires for the
// operation (a list, an id, an invitation's token), is an error naming the
// operation and the field. Error strings and debug logs (WithLogger) never
// contain the API key, the password, an invitation token or a URL.
//
// # Retries
//
// GET, PUT and DELETE are retried on connection errors (an attempt without its
// whole answer within the attempt timeout is one), 429, 502, 503 and 504; POST
// only on 429 and when the request never left (a refused connection), since
// the API has no idempotency key. Waits grow exponentially with jitter between
// RetryPolicy.MinWait and MaxWait, after a connection error as after an error
// status. Retry-After, on 429 and 503, can lengthen a wait but never shorten
// it below the backoff; when it exceeds MaxWait the *APIError comes back at
// once with RetryAfter set. A backoff that would outlive the context's
// deadline is not started. Requests are sent again only by these retries,
// never by the transport underneath after part of a request was sent, so a
// call reaches the server at most 1 + MaxRetries times, with one exception,
// net/http's own, over plain http:// only: a GET whose kept-alive connection
// is closed without an answer is sent again on the next idle connection, up to
// once per idle connection closed that way and once on a new one; PUT, DELETE
// and POST never are. WithRateLimit paces every attempt. See RetryPolicy,
// WithRetryPolicy, WithAttemptTimeout (DefaultAttemptTimeout, 60 s, unless
// set) and WithRetryNonIdempotent.
//
// # Limits
//
// A success body may be at most 32 MiB (the largest real answers, the
// unpaginated lists, are far smaller) and is read as it arrives, never sized
// from the announced Content-Length; decoding it takes at most 12 bytes of
// memory per byte whatever a server sends (twice that for a body refused for
// a wrong type). SAML metadata may be at most 64 KiB. An error body is read
// up to 64 KiB. An *APIError keeps at most 16 header codes, and its Error is
// one short line.
//
// # Testing code that uses ecloud
//
// Package ecloudtest is an in-memory fake of the Organizations API served
// over HTTP, and has helpers for github.com/jarcoal/httpmock. Or depend on
// one of the interfaces and substitute your own implementation.
package ecloud
