package wire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
)

// response is an encoded HTTP response, produced before anything is written
// so that an encoding failure can still become a clean InternalFailure.
type response struct {
	status int
	header http.Header
	body   []byte
	// code and message are the error sent, empty on success; for the call log.
	code, message string
}

// contentType is the Content-Type of a protocol's responses.
func contentType(p Protocol) string {
	switch p {
	case JSON10:
		return "application/x-amz-json-1.0"
	case JSON11:
		return "application/x-amz-json-1.1"
	case RESTJSON:
		return "application/json"
	default:
		return "text/xml"
	}
}

// encodeResult encodes a successful result.
func encodeResult(p Protocol, namespace, operation, requestID string, v any) (response, error) {
	switch raw := v.(type) {
	case RawResponse:
		return encodeRaw(p, requestID, raw), nil
	case *RawResponse:
		if raw != nil {
			return encodeRaw(p, requestID, *raw), nil
		}
		v = nil
	}
	if p == Query {
		return encodeQueryResult(namespace, operation, requestID, v)
	}
	if v == nil {
		v = struct{}{}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return response{}, fmt.Errorf("encode %s result: %w", operation, err)
	}
	return newResponse(p, http.StatusOK, requestID, body), nil
}

// encodeRaw sends an operation's RawResponse, adding what every response
// carries: its length, the request ID and, for a body, a content type.
func encodeRaw(p Protocol, requestID string, raw RawResponse) response {
	h := http.Header{}
	for k, v := range raw.Header {
		h[http.CanonicalHeaderKey(k)] = append([]string(nil), v...)
	}
	if h.Get("Content-Type") == "" && len(raw.Body) > 0 {
		h.Set("Content-Type", contentType(p))
	}
	h.Set("Content-Length", strconv.Itoa(len(raw.Body)))
	for _, k := range []string{"X-Amzn-Requestid", "X-Amz-Request-Id"} {
		if h.Get(k) == "" {
			h.Set(k, requestID)
		}
	}
	status := raw.Status
	if status == 0 {
		status = http.StatusOK
	}
	return response{status: status, header: h, body: raw.Body}
}

// encodeQueryResult writes
//
//	<OpResponse xmlns=NS><OpResult>v</OpResult><ResponseMetadata><RequestId>id</RequestId></ResponseMetadata></OpResponse>
//
// v is marshalled with encoding/xml as the content of OpResult (its own
// XMLName, if any, is overridden). A nil v leaves out OpResult, as AWS does
// for operations without output; return struct{}{} for an empty result.
func encodeQueryResult(namespace, operation, requestID string, v any) (response, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: operation + "Response"}}
	if namespace != "" {
		root.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}
	}
	if err := enc.EncodeToken(root); err != nil {
		return response{}, fmt.Errorf("encode %s result: %w", operation, err)
	}
	if v != nil {
		if err := enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: operation + "Result"}}); err != nil {
			return response{}, fmt.Errorf("encode %s result: %w", operation, err)
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return response{}, fmt.Errorf("encode %s result: %w", operation, err)
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return response{}, fmt.Errorf("encode %s result: %w", operation, err)
	}
	if err := enc.Flush(); err != nil {
		return response{}, fmt.Errorf("encode %s result: %w", operation, err)
	}
	return newResponse(Query, http.StatusOK, requestID, buf.Bytes()), nil
}

// encodeError encodes an API error in protocol p. e must already be localized.
func encodeError(p Protocol, namespace, requestID string, e *Error) response {
	r := encodeErrorBody(p, namespace, requestID, e)
	r.code, r.message = e.Code, e.Message
	return r
}

func encodeErrorBody(p Protocol, namespace, requestID string, e *Error) response {
	switch p {
	case Query:
		return encodeQueryError(namespace, requestID, e)
	case RESTJSON:
		return encodeRESTError(requestID, e)
	}
	doc := map[string]any{}
	for k, v := range e.Fields {
		doc[k] = v
	}
	doc["__type"], doc["message"] = e.Code, e.Message
	body, err := json.Marshal(doc)
	if err != nil { // only a Fields value that cannot be marshalled
		body, _ = json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	}
	r := newResponse(p, e.HTTPStatus(), requestID, body)
	r.header.Set("X-Amzn-ErrorType", e.Code)
	if e.QueryCode != "" {
		r.header.Set("X-Amzn-Query-Error", e.QueryCode+";"+faultType(e))
	}
	return r
}

// encodeRESTError writes a restJson1 error the way Lambda does: the code in
// the X-Amzn-ErrorType header, and a body naming the fault side and the
// message, e.g. {"Type":"User","message":"..."}.
func encodeRESTError(requestID string, e *Error) response {
	doc := map[string]any{}
	for k, v := range e.Fields {
		doc[k] = v
	}
	key := e.MessageKey
	if key == "" {
		key = "message"
	}
	side := "User"
	if faultType(e) == "Receiver" {
		side = "Service"
	}
	doc["Type"], doc[key] = side, e.Message
	body, err := json.Marshal(doc)
	if err != nil { // only a Fields value that cannot be marshalled
		body, _ = json.Marshal(map[string]string{"Type": side, key: e.Message})
	}
	r := newResponse(RESTJSON, e.HTTPStatus(), requestID, body)
	r.header.Set("X-Amzn-ErrorType", e.Code)
	return r
}

// encodeQueryError writes
//
//	<ErrorResponse xmlns=NS><Error><Type>Sender</Type><Code>..</Code><Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>
func encodeQueryError(namespace, requestID string, e *Error) response {
	type errorDetail struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	doc := struct {
		XMLName   xml.Name    `xml:"ErrorResponse"`
		Xmlns     string      `xml:"xmlns,attr,omitempty"`
		Error     errorDetail `xml:"Error"`
		RequestID string      `xml:"RequestId"`
	}{
		Xmlns:     namespace,
		Error:     errorDetail{Type: faultType(e), Code: e.Code, Message: e.Message},
		RequestID: requestID,
	}
	body, _ := xml.Marshal(doc) // plain strings cannot fail to marshal
	return newResponse(Query, e.HTTPStatus(), requestID, body)
}

// faultType is the awsQuery fault of an error: Receiver for server faults.
func faultType(e *Error) string {
	if e.Server || e.HTTPStatus() >= 500 {
		return "Receiver"
	}
	return "Sender"
}

func newResponse(p Protocol, status int, requestID string, body []byte) response {
	h := http.Header{}
	h.Set("Content-Type", contentType(p))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Amzn-Requestid", requestID)
	h.Set("X-Amz-Request-Id", requestID)
	return response{status: status, header: h, body: body}
}

func (r response) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body) // the client went away: nothing left to tell it
}
