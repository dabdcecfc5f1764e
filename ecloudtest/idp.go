package ecloudtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"math/big"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ecloud-go/ecloud"
)

// spBaseURL is where the fake's service provider lives: the SP entity ID,
// ACS and SSO login URLs of a configured IdP are under it (".invalid" is a
// reserved top-level domain, so they can never reach a real host).
const spBaseURL = "https://sso.ecloudtest.invalid"

// spCertificate is the service provider's certificate, signing and
// encryption alike: a self-signed ECDSA certificate, base64 DER, made once.
var spCertificate = sync.OnceValue(func() string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("ecloudtest: generating the SP key: " + err.Error())
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "ecloudtest SAML service provider"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("ecloudtest: creating the SP certificate: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(der)
})

func (s *Server) getIdP(req *request) (any, *apiError) {
	o, e := s.configuredIdP(req.org)
	if e != nil {
		return nil, e
	}
	return clone(*o.idp), nil
}

func (s *Server) setupIdP(req *request) (any, *apiError) {
	var body struct {
		Enabled               *bool           `json:"enabled"`
		LoginIdentifierPrefix string          `json:"login_identifier_prefix"`
		SAMLIdP               *ecloud.SAMLIdP `json:"saml_idp"`
	}
	if e := decodeBody(req.body, &body); e != nil {
		return nil, e
	}
	bad := &apiError{status: http.StatusBadRequest}
	check := func(ok bool, msg, field string) {
		if !ok {
			bad.add(ecloud.CodeRootInvalidData, msg, field)
		}
	}
	check(body.Enabled != nil, "enabled is required.", "enabled")
	check(validPrefix(body.LoginIdentifierPrefix), "login_identifier_prefix must be 1 to 32 letters, digits and hyphens.", "login_identifier_prefix")
	check(body.SAMLIdP != nil, "saml_idp is required.", "saml_idp")
	if saml := body.SAMLIdP; saml != nil {
		check(saml.Issuer != "", "saml_idp.issuer is required.", "saml_idp.issuer")
		u, err := url.Parse(saml.SSOURL)
		check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "saml_idp.sso_url must be an absolute http or https URL.", "saml_idp.sso_url")
		check(len(saml.PublicCertificate) > 0, "saml_idp.public_certificate needs at least one certificate.", "saml_idp.public_certificate")
		for i, cert := range saml.PublicCertificate {
			check(cert != "", "A certificate is empty.", fmt.Sprintf("saml_idp.public_certificate[%d]", i))
		}
	}
	if len(bad.details) > 0 {
		return nil, bad
	}
	o, e := s.org(req.org)
	if e != nil {
		return nil, e
	}
	if len(o.domains) == 0 {
		return nil, invalidData("Claim a domain (verify it) before configuring the IdP.")
	}

	h := fnv.New32a()
	h.Write([]byte(req.org))
	login := fmt.Sprintf("%s-%08x", body.LoginIdentifierPrefix, h.Sum32())
	cert := spCertificate()
	o.idp = &ecloud.OrganizationIdP{
		LoginIdentifier:       login,
		SSOLoginURL:           spBaseURL + "/login/" + login,
		MetadataURL:           s.URL() + "/organizations/" + url.PathEscape(req.org) + "/idp/metadata.xml",
		ACS:                   spBaseURL + "/saml/" + login + "/acs",
		SPEntityID:            spBaseURL + "/saml/" + login,
		SigningCertificate:    []string{cert},
		EncryptionCertificate: []string{cert},
		Configuration: ecloud.IdPConfiguration{
			Enabled:               *body.Enabled,
			LoginIdentifierPrefix: body.LoginIdentifierPrefix,
			SAMLIdP:               clone(*body.SAMLIdP),
		},
	}
	o.org.SSOLoginIdentifier = login
	return clone(*o.idp), nil
}

func (s *Server) teardownIdP(req *request) (any, *apiError) {
	o, e := s.configuredIdP(req.org)
	if e != nil {
		return nil, e
	}
	o.idp = nil
	o.org.SSOLoginIdentifier = ""
	return struct{}{}, nil
}

func (s *Server) idpMetadata(req *request) (any, *apiError) {
	o, e := s.configuredIdP(req.org)
	if e != nil {
		return nil, e
	}
	return spMetadata(o.idp), nil
}

// configuredIdP returns an organization that has an IdP.
func (s *Server) configuredIdP(orgID string) (*orgState, *apiError) {
	o, e := s.org(orgID)
	if e != nil {
		return nil, e
	}
	if o.idp == nil {
		return nil, apiErr(http.StatusNotFound, ecloud.CodeOrgIdPIdPNotConfigured, "")
	}
	return o, nil
}

// validPrefix accepts 1 to 32 ASCII letters, digits and hyphens.
func validPrefix(p string) bool {
	if p == "" || len(p) > 32 {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// SAML 2.0 metadata of the service provider (urn:oasis:names:tc:SAML:2.0:metadata).
type (
	entityDescriptor struct {
		XMLName  xml.Name        `xml:"urn:oasis:names:tc:SAML:2.0:metadata EntityDescriptor"`
		EntityID string          `xml:"entityID,attr"`
		SP       spSSODescriptor `xml:"SPSSODescriptor"`
	}
	spSSODescriptor struct {
		AuthnRequestsSigned  bool            `xml:"AuthnRequestsSigned,attr"`
		WantAssertionsSigned bool            `xml:"WantAssertionsSigned,attr"`
		Protocols            string          `xml:"protocolSupportEnumeration,attr"`
		Keys                 []keyDescriptor `xml:"KeyDescriptor"`
		NameIDFormat         string          `xml:"NameIDFormat"`
		ACS                  struct {
			Binding  string `xml:"Binding,attr"`
			Location string `xml:"Location,attr"`
			Index    int    `xml:"index,attr"`
		} `xml:"AssertionConsumerService"`
	}
	keyDescriptor struct {
		Use     string `xml:"use,attr"`
		KeyInfo struct {
			XMLName     xml.Name `xml:"http://www.w3.org/2000/09/xmldsig# KeyInfo"`
			Certificate string   `xml:"X509Data>X509Certificate"`
		}
	}
)

// spMetadata is the SAML metadata document of the service provider of idp.
func spMetadata(idp *ecloud.OrganizationIdP) xmlDocument {
	d := entityDescriptor{EntityID: idp.SPEntityID}
	d.SP.AuthnRequestsSigned = true
	d.SP.WantAssertionsSigned = true
	d.SP.Protocols = "urn:oasis:names:tc:SAML:2.0:protocol"
	keys := func(use string, certs []string) {
		for _, c := range certs {
			k := keyDescriptor{Use: use}
			k.KeyInfo.Certificate = c
			d.SP.Keys = append(d.SP.Keys, k)
		}
	}
	keys("signing", idp.SigningCertificate)
	keys("encryption", idp.EncryptionCertificate)
	d.SP.NameIDFormat = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
	d.SP.ACS.Binding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	d.SP.ACS.Location = idp.ACS
	d.SP.ACS.Index = 1
	b, err := xml.MarshalIndent(d, "", "  ")
	if err != nil {
		panic("ecloudtest: encoding the SP metadata: " + err.Error()) // strings, bools and ints always encode
	}
	return append([]byte(xml.Header), b...)
}
