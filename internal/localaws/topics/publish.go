package topics

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/url"
	"regexp"
	"strings"

	"github.com/landfall/landfall/internal/localaws/wire"
)

// MaxMessageBytes is the largest message SNS accepts, counting the message
// and every attribute's name, data type and value.
const MaxMessageBytes = 262144

// maxAttributes is how many message attributes one message may carry.
const maxAttributes = 10

type publishResult struct {
	MessageID string `xml:"MessageId"`
}

// publishInput is Publish's input. The message, subject, structure and
// attributes stay in the form: whether a parameter was sent at all matters.
type publishInput struct {
	PhoneNumber            string
	TopicARN               string `query:"TopicArn"`
	TargetARN              string `query:"TargetArn"`
	MessageGroupID         string `query:"MessageGroupId"`
	MessageDeduplicationID string `query:"MessageDeduplicationId"`
}

func (t *Topics) publish(req *wire.Request, in *publishInput) (any, error) {
	if in.PhoneNumber != "" {
		return nil, invalidParameter("PhoneNumber Reason: publishing SMS directly is not emulated by the local AWS; publish to a topic")
	}
	topicARN, targetARN := in.TopicARN, in.TargetARN
	param, arn := "TopicArn", topicARN
	switch {
	case topicARN != "" && targetARN != "":
		return nil, invalidParameter("TopicArn or TargetArn Reason: Only one of TopicArn or TargetArn may be specified")
	case topicARN == "" && targetARN == "":
		return nil, invalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	case targetARN != "":
		param, arn = "TargetArn", targetARN
	}
	if in.MessageGroupID != "" || in.MessageDeduplicationID != "" {
		return nil, invalidParameter("MessageGroupId Reason: MessageGroupId and MessageDeduplicationId are for FIFO topics, which the local AWS does not emulate")
	}
	msg, err := checkPublish(req.Form)
	if err != nil {
		return nil, err
	}

	t.mu.Lock()
	tp, err := t.lookup(req, param, arn, "Publish")
	if err != nil {
		t.mu.Unlock()
		return nil, err
	}
	msg.MessageID = newID()
	msg.TopicARN = arn
	msg.PublishedAt = req.Now
	msg.PublisherAccount = req.Caller.Account
	t.messages = append(t.messages, msg)
	targets := tp.targets()
	t.mu.Unlock()
	// Delivery is SNS's business after it accepted the message: a refused
	// delivery never fails the Publish call.
	t.fanOut(msg, targets, tp.region)
	return publishResult{MessageID: msg.MessageID}, nil
}

// checkPublish validates the message, subject, structure and attributes of
// a Publish call and returns the message they describe.
func checkPublish(f url.Values) (Message, *wire.Error) {
	_, hasMessage := f["Message"]
	m := Message{Message: f.Get("Message"), MessageStructure: f.Get("MessageStructure")}
	if !hasMessage || m.Message == "" {
		return Message{}, invalidParameter("Empty message")
	}
	if _, has := f["Subject"]; has {
		m.Subject = f.Get("Subject")
		if !ValidSubject(m.Subject) {
			return Message{}, invalidParameter("Subject")
		}
	}
	if _, has := f["MessageStructure"]; has {
		if err := checkStructure(m.MessageStructure, m.Message); err != nil {
			return Message{}, err
		}
	}
	attrs, err := parseAttributes(f)
	if err != nil {
		return Message{}, err
	}
	m.Attributes = attrs
	size := len(m.Message)
	for name, a := range attrs {
		size += len(name) + len(a.DataType) + len(a.Value)
	}
	if size > MaxMessageBytes {
		return Message{}, invalidParameter("Message too long: %d bytes including attributes, the limit is %d", size, MaxMessageBytes)
	}
	return m, nil
}

// ValidSubject reports whether s is a subject SNS accepts: 1-99 printable
// ASCII characters, beginning with a letter, number or punctuation mark (not
// a space), with no line breaks or other control characters. It is the
// email subject line, so the rules are the mail system's.
func ValidSubject(s string) bool {
	if len(s) < 1 || len(s) > 99 {
		return false
	}
	if s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// checkStructure validates MessageStructure and, for "json", the message:
// a JSON object of strings with a "default" entry.
func checkStructure(structure, message string) *wire.Error {
	if structure != "json" {
		return invalidParameter("MessageStructure Reason: %q is not supported; the only value is json", structure)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(message), &obj); err != nil || obj == nil {
		return invalidParameter("Message Structure - JSON message body failed to parse")
	}
	if _, ok := obj["default"]; !ok {
		return invalidParameter("Message Structure - No default entry in JSON message body")
	}
	for _, k := range sortedKeys(obj) {
		if _, ok := obj[k].(string); !ok {
			return invalidParameter("Message Structure - JSON message body entry %q must be a string", k)
		}
	}
	return nil
}

// parseAttributes decodes and validates
// MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}.
func parseAttributes(f url.Values) (map[string]Attribute, *wire.Error) {
	entries := wire.FormStructs(f, "MessageAttributes.entry")
	if len(entries) == 0 {
		return nil, nil
	}
	if len(entries) > maxAttributes {
		return nil, invalidParameter("Number of message attributes [%d] exceeds the allowed maximum [%d].", len(entries), maxAttributes)
	}
	out := make(map[string]Attribute, len(entries))
	for _, e := range entries {
		name := e.Get("Name")
		if err := checkAttributeName(name); err != nil {
			return nil, err
		}
		if _, dup := out[name]; dup {
			return nil, invalidParameter("Message attribute name %q is used more than once", name)
		}
		dataType := e.Get("Value.DataType")
		str, hasStr := e["Value.StringValue"]
		bin, hasBin := e["Value.BinaryValue"]
		a := Attribute{DataType: dataType}
		switch dataType {
		case "String", "Number", "String.Array":
			if !hasStr || str[0] == "" {
				return nil, invalidParameter("The message attribute %q must contain non-empty message attribute value for message attribute type %q.", name, dataType)
			}
			a.Value = str[0]
			if dataType == "Number" && !validNumber(a.Value) {
				return nil, invalidParameter("Could not cast message attribute %q value to number: %q", name, a.Value)
			}
			if dataType == "String.Array" && !validStringArray(a.Value) {
				return nil, invalidParameter("The message attribute %q with type String.Array must be a JSON array of strings, numbers, booleans or nulls", name)
			}
		case "Binary":
			if !hasBin || bin[0] == "" {
				return nil, invalidParameter("The message attribute %q must contain non-empty message attribute value for message attribute type \"Binary\".", name)
			}
			if _, err := base64.StdEncoding.DecodeString(bin[0]); err != nil {
				return nil, invalidParameter("The message attribute %q has a BinaryValue that is not base64", name)
			}
			a.Value = bin[0]
		case "":
			return nil, invalidParameter("The message attribute %q must contain a DataType (String, Number, Binary or String.Array)", name)
		default:
			return nil, invalidParameter("The message attribute %q has an invalid message attribute type %q (use String, Number, Binary or String.Array)", name, dataType)
		}
		out[name] = a
	}
	return out, nil
}

// checkAttributeName applies the SNS message attribute naming rules.
func checkAttributeName(name string) *wire.Error {
	switch {
	case name == "":
		return invalidParameter("The message attribute name must not be empty")
	case len(name) > 256:
		return invalidParameter("The message attribute name %q is longer than 256 characters", name)
	case hasReservedPrefix(name):
		return invalidParameter("The message attribute name %q starts with a reserved prefix (AWS. or Amazon.)", name)
	case strings.HasPrefix(name, ".") || strings.HasSuffix(name, "."):
		return invalidParameter("The message attribute name %q must not start or end with a period", name)
	case strings.Contains(name, ".."):
		return invalidParameter("The message attribute name %q must not contain successive periods", name)
	}
	for _, c := range name {
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return invalidParameter("The message attribute name %q has an invalid character %q (use A-Za-z0-9_-.)", name, c)
		}
	}
	return nil
}

func hasReservedPrefix(name string) bool {
	l := strings.ToLower(name)
	return strings.HasPrefix(l, "aws.") || strings.HasPrefix(l, "amazon.")
}

var numberPattern = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// validNumber reports whether s is a number SNS accepts: a decimal with up
// to 38 significant digits between 10^-128 and 10^126 in magnitude.
func validNumber(s string) bool {
	if !numberPattern.MatchString(s) {
		return false
	}
	mant := s
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		mant = mant[:i]
	}
	digits := strings.TrimLeft(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, mant), "0")
	digits = strings.TrimRight(digits, "0")
	if len(digits) > 38 {
		return false
	}
	v, ok := new(big.Float).SetString(s)
	if !ok {
		return false
	}
	if v.Sign() == 0 {
		return true
	}
	exp := v.MantExp(nil) // |v| is in [2^(exp-1), 2^exp)
	// 10^126 < 2^419 and 10^-128 > 2^-426.
	return exp <= 419 && exp >= -425
}

// validStringArray reports whether s is a JSON array of scalars.
func validStringArray(s string) bool {
	var arr []any
	if err := json.Unmarshal([]byte(s), &arr); err != nil || arr == nil {
		return false
	}
	for _, v := range arr {
		switch v.(type) {
		case string, float64, bool, nil:
		default:
			return false
		}
	}
	return true
}
