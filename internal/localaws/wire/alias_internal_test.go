package wire

import (
	"testing"
	"unsafe"
)

// within reports whether s's bytes lie inside buf's.
func within(s string, buf []byte) bool {
	if len(s) == 0 || len(buf) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&buf[0]))
	return p >= lo && p < lo+uintptr(len(buf))
}

// TestParsedStringsDoNotAliasTheRequest checks that what the emulator keeps
// of a request (a form value, the credential scope) is a copy: a substring
// would keep the whole body or signed header alive as long as it is kept.
func TestParsedStringsDoNotAliasTheRequest(t *testing.T) {
	buf := []byte("Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A111111111111%3Alandfall&Subject=done&Message=plain")
	form, err := parseForm(unsafe.String(&buf[0], len(buf)))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range form {
		if within(k, buf) {
			t.Errorf("form key %q is a substring of the body", k)
		}
		for _, v := range vs {
			if within(v, buf) {
				t.Errorf("form value %s=%q is a substring of the body", k, v)
			}
		}
	}

	header := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/servicecatalog/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	buf = []byte(header)
	scope, err := ParseAuthorization(unsafe.String(&buf[0], len(buf)))
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"access key ID": scope.AccessKeyID, "date": scope.Date, "region": scope.Region, "service": scope.Service} {
		if within(s, buf) {
			t.Errorf("the scope's %s %q is a substring of the Authorization header", name, s)
		}
	}
}
