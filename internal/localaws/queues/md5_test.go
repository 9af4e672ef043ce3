package queues

import "testing"

// The expected digests are the ones SQS returns for these attributes, as
// published with SQS client libraries that check them.
func TestMD5OfAttributes(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]Attribute
		want  string
	}{
		{"none", nil, ""},
		{"one string", map[string]Attribute{"SellerName": {DataType: "String", StringValue: "Example Store"}}, "cd28f3b68aeee4b2eac9c66f2f694b58"},
		{"sorted by name", map[string]Attribute{
			"ordinal":  {DataType: "Number", StringValue: "1"},
			"category": {DataType: "String", StringValue: "test"},
		}, "d21ae90c49061e927f57df5f5d72be1f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := md5OfAttributes(tt.attrs); got != tt.want {
				t.Errorf("md5OfAttributes = %q, want %q", got, tt.want)
			}
		})
	}
}
