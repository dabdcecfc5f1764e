package ecloudtest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ecloud-go/ecloud"
	"github.com/ecloud-go/ecloud/internal/ascii"
)

// challenge is the domain verification of one domain of an organization:
// the latest code generated, and the code of the DNS TXT record in place
// (PublishDomainVerification), if any.
type challenge struct {
	code      string
	published string
}

// verificationPrefix starts every verification code the fake generates.
const verificationPrefix = "ecloudtest-domain-verification="

// PublishDomainVerification acts as the DNS TXT record of domain's latest
// verification code being put in place: from now on, verifying the domain
// claims it for the organization. Until a test calls it, verifying answers
// 449; a code generated after it needs publishing again. Domains are
// compared case-insensitively. An unknown organization, or no code of the
// domain waiting (none was generated, or a claim used it up), is misuse (see
// NewServer).
func (s *Server) PublishDomainVerification(organizationID, domain string) {
	s.rep.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("PublishDomainVerification", organizationID)
	if o == nil {
		return
	}
	c, ok := o.challenges[ascii.Lower(domain)]
	if !ok {
		s.rep.Fatalf("ecloudtest: PublishDomainVerification: no verification code of %q is waiting in organization %q", domain, organizationID)
		return
	}
	c.published = c.code
}

// AddDomainClaim stores domain as claimed by an organization added before,
// as if it had been verified. An unknown organization, a domain that is not
// a valid domain name or one another organization claimed is misuse (see
// NewServer).
func (s *Server) AddDomainClaim(organizationID, domain string) {
	s.rep.Helper()
	domain = ascii.Lower(domain)
	if !validDomain(domain) {
		s.rep.Fatalf("ecloudtest: AddDomainClaim: %q is not a domain name", domain)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.mustOrg("AddDomainClaim", organizationID)
	if o == nil {
		return
	}
	if owner := s.domainOwner(domain); owner != nil && owner != o {
		s.rep.Fatalf("ecloudtest: AddDomainClaim: %q is claimed by organization %q", domain, owner.org.ID)
		return
	}
	if !slices.Contains(o.domains, domain) {
		o.domains = append(o.domains, domain)
	}
}

func (s *Server) listDomainClaims(req *request) (any, *apiError) {
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	return map[string]any{"domains": nonNil(slices.Clone(o.domains))}, nil
}

func (s *Server) generateVerificationCode(req *request) (any, *apiError) {
	o, domain, e := s.domainRequest(req)
	if e != nil {
		return nil, e
	}
	if o.challenges == nil {
		o.challenges = map[string]*challenge{}
	}
	c, ok := o.challenges[domain]
	if !ok {
		c = &challenge{}
		o.challenges[domain] = c
	}
	c.code = verificationPrefix + newToken()
	return map[string]any{"verification": c.code}, nil
}

func (s *Server) verifyDomainClaim(req *request) (any, *apiError) {
	o, domain, e := s.domainRequest(req)
	if e != nil {
		return nil, e
	}
	if owner := s.domainOwner(domain); owner != nil {
		msg := "The domain is claimed by this organization already."
		if owner != o {
			msg = "The domain is claimed by another organization."
		}
		return nil, apiErr(http.StatusBadRequest, ecloud.CodeOrgDomainClaimAlreadyExists, msg, "domain_claim_request")
	}
	c, ok := o.challenges[domain]
	if !ok || c.published == "" || c.published != c.code {
		// The spec's 449: an EmptyResponse, no error code.
		return nil, &apiError{status: 449, reply: struct{}{}}
	}
	delete(o.challenges, domain)
	o.domains = append(o.domains, domain)
	return struct{}{}, nil
}

func (s *Server) deleteDomainClaim(req *request) (any, *apiError) {
	o, domain, e := s.domainRequest(req)
	if e != nil {
		return nil, e
	}
	if o.idp != nil {
		return nil, apiErr(http.StatusBadRequest, ecloud.CodeOrgIdPIdPConfigured, "")
	}
	i := slices.Index(o.domains, domain)
	if i < 0 {
		return nil, invalidData("The organization has not claimed this domain.", "domain_claim_request")
	}
	o.domains = slices.Delete(o.domains, i, i+1)
	return struct{}{}, nil
}

// domainRequest decodes the body of a domain claim operation and returns the
// organization and the lower-cased domain.
func (s *Server) domainRequest(req *request) (*orgState, string, *apiError) {
	var body struct {
		Domain string `json:"domain_claim_request"`
	}
	if e := decodeBody(req.body, &body); e != nil {
		return nil, "", e
	}
	domain := ascii.Lower(body.Domain)
	if !validDomain(domain) {
		return nil, "", invalidData("domain_claim_request must be a domain name such as example.com.", "domain_claim_request")
	}
	o, e := s.org(req.org)
	return o, domain, e
}

// domainOwner returns the organization that claimed domain, or nil. Callers
// hold s.mu.
func (s *Server) domainOwner(domain string) *orgState {
	for _, o := range s.orgs {
		if slices.Contains(o.domains, domain) {
			return o
		}
	}
	return nil
}

// validDomain accepts a lower-case domain name of at least two labels, each
// of letters, digits and inner hyphens, at most 63 characters, 253 in all,
// the last not all digits.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(d) > 253 || len(labels) < 2 || strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}
