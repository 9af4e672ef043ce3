package region

import (
	"slices"
	"testing"
)

func TestCodesSorted(t *testing.T) {
	// Known uses binary search: an unsorted list would silently reject regions.
	if !slices.IsSorted(codes) {
		t.Fatal("codes must stay sorted")
	}
	for _, r := range optIn {
		if !Known(r) {
			t.Errorf("opt-in region %q is not in codes", r)
		}
	}
}

func TestKnown(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"us-east-1", true},
		{"us-west-1", true},
		{"eu-west-1", true},
		{"us-gov-west-1", true},
		{"us-west-9", false},
		{"US-EAST-1", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Known(tt.code); got != tt.want {
			t.Errorf("Known(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestPartition(t *testing.T) {
	for code, want := range map[string]string{"us-east-1": "aws", "us-gov-west-1": "aws-us-gov", "cn-north-1": "aws-cn"} {
		if got := Partition(code); got != want {
			t.Errorf("Partition(%q) = %q, want %q", code, got, want)
		}
	}
	if !OptIn("af-south-1") || OptIn("us-east-1") {
		t.Error("OptIn misclassifies af-south-1 or us-east-1")
	}
}
