package lambdafn

import (
	"github.com/landfall/landfall/internal/localaws/wire"
)

// lastModifiedLayout is how Lambda formats FunctionConfiguration.LastModified.
const lastModifiedLayout = "2006-01-02T15:04:05.000-0700"

// functionConfiguration is the part of Lambda's FunctionConfiguration the
// emulator can answer truthfully.
type functionConfiguration struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string
	Handler          string
	Description      string
	Timeout          int
	LastModified     string
	Version          string
	State            string
	LastUpdateStatus string
	PackageType      string
}

type getFunctionResult struct {
	Configuration functionConfiguration
}

// getFunctionInput is GetFunction's input.
type getFunctionInput struct {
	FunctionName string `rest:"label"`
	Qualifier    string `rest:"query"`
}

// getFunction implements GetFunction: enough for a CLI to check that a
// function exists and see what it is.
func (f *Functions) getFunction(req *wire.Request, in *getFunctionInput) (any, error) {
	fn, _, werr := f.resolve(req, in.FunctionName, in.Qualifier, "GetFunction")
	if werr != nil {
		return nil, werr
	}
	return getFunctionResult{Configuration: functionConfiguration{
		FunctionName:     fn.name,
		FunctionArn:      fn.arn,
		Runtime:          Runtime,
		Handler:          Handler,
		Description:      "Go handler running in-process in the local AWS emulator",
		Timeout:          int(fn.timeout.Seconds()),
		LastModified:     fn.registered.UTC().Format(lastModifiedLayout),
		Version:          Latest,
		State:            "Active",
		LastUpdateStatus: "Successful",
		PackageType:      "Zip",
	}}, nil
}
