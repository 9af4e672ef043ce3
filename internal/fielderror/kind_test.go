package fielderror

import (
	"reflect"
	"testing"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		raw  string
		want Kind
	}{
		{``, KindNothing},
		{"  \n", KindNothing},
		{`null`, KindNull},
		{`true`, KindBoolean},
		{` false `, KindBoolean},
		{`-1.5e3`, KindNumber},
		{`0`, KindNumber},
		{`"x"`, KindString},
		{`["a"]`, KindArray},
		{"\t{\"a\": 1}", KindObject},
	}
	for _, tt := range tests {
		if got := KindOf([]byte(tt.raw)); got != tt.want {
			t.Errorf("KindOf(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestExpectedKind(t *testing.T) {
	tests := []struct {
		kind reflect.Kind
		want string
	}{
		{reflect.String, "string"},
		{reflect.Struct, "object"},
		{reflect.Map, "object"},
		{reflect.Slice, "array"},
		{reflect.Array, "array"},
		{reflect.Bool, "boolean"},
		{reflect.Int, "value"},
		{reflect.Float64, "value"},
	}
	for _, tt := range tests {
		if got := ExpectedKind(tt.kind); got != tt.want {
			t.Errorf("ExpectedKind(%s) = %q, want %q", tt.kind, got, tt.want)
		}
	}
}
