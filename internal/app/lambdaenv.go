package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
)

// The variables the functions' AWS configuration is read from. The Lambda
// runtime sets the first four for every function: the region, and the
// execution role's credentials, which stay the same for the execution
// environment's life (the SDK's own environment provider treats them as
// static too). AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_<SERVICE> (the
// service's SDK ID in upper case, spaces as underscores, e.g.
// AWS_ENDPOINT_URL_SERVICE_CATALOG), are never set in Lambda: they point the
// binaries at the local AWS. AWS_SESSION_TOKEN is optional, as in the SDK, so
// long-term keys work there too.
const (
	envAWSRegion       = "AWS_REGION"
	envAWSAccessKeyID  = "AWS_ACCESS_KEY_ID"
	envAWSSecretKey    = "AWS_SECRET_ACCESS_KEY"
	envAWSSessionToken = "AWS_SESSION_TOKEN"
	envAWSEndpointURL  = "AWS_ENDPOINT_URL"
)

// lambdaAWSConfig builds the functions' AWS configuration from exactly what
// the Lambda runtime provides, instead of config.LoadDefaultConfig, whose
// credential chain links every provider (SSO, SSO-OIDC, sign-in, process
// credentials and os/exec, IMDS, container credentials, shared files) into
// both binaries for nothing a Lambda function uses (issue #14). The CLI, which
// runs wherever an operator does, keeps the standard chain.
//
// What LoadDefaultConfig would also set, decided one by one:
//   - Logger: the same standard logger on stderr.
//   - Retryer: Landfall's (NewRetryer), so AWS_MAX_ATTEMPTS and
//     AWS_RETRY_MODE are ignored, as they are by LoadDefaultConfig given a
//     retryer; RetryMaxAttempts and RetryMode stay zero.
//   - HTTPClient: awshttp.NewBuildableClient(), the client each service
//     builds for itself when none is given (no AWS_CA_BUNDLE: Lambda has none).
//   - DefaultsMode: legacy, LoadDefaultConfig's default (AWS_DEFAULTS_MODE
//     is not read); RuntimeEnvironment stays zero, as it does outside auto mode.
//   - RequestMinCompressSizeBytes, AccountIDEndpointMode,
//     RequestChecksumCalculation, ResponseChecksumValidation: the SDK's
//     defaults (10240, preferred, when supported, when supported); none of
//     their variables is read, and none of Landfall's services uses them.
//   - Service-specific endpoints: AWS_ENDPOINT_URL_<SERVICE>, through
//     ConfigSources, the one source service clients consult for them.
//   - Not read, and not set by Lambda: AppID (AWS_SDK_UA_APP_ID),
//     ClientLogMode (no variable exists), AWS_ACCOUNT_ID, dual-stack and FIPS
//     endpoints, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, request compression,
//     clock-skew correction (on, the default), AWS_AUTH_SCHEME_PREFERENCE,
//     profiles and shared files.
//   - AWS_LAMBDA_FUNCTION_NAME and _X_AMZN_TRACE_ID (recursion detection) and
//     AWS_EXECUTION_ENV (user agent) are read by the SDK's middleware itself,
//     not through aws.Config, so they work unchanged.
func lambdaAWSConfig(getenv func(string) string) (aws.Config, error) {
	var missing []string
	need := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	region, keyID, secret := need(envAWSRegion), need(envAWSAccessKeyID), need(envAWSSecretKey)
	if len(missing) > 0 {
		return aws.Config{}, fmt.Errorf("AWS configuration: %s not set: this binary is meant to run in Lambda, whose runtime sets them (elsewhere, set them, and %s for the local AWS)",
			strings.Join(missing, ", "), envAWSEndpointURL)
	}
	cfg := aws.Config{
		Region:                      region,
		Credentials:                 envCredentials(keyID, secret, getenv(envAWSSessionToken)),
		HTTPClient:                  awshttp.NewBuildableClient(),
		Retryer:                     NewRetryer(RetryMaxBackoff),
		Logger:                      logging.NewStandardLogger(os.Stderr),
		DefaultsMode:                aws.DefaultsModeLegacy,
		RequestMinCompressSizeBytes: 10240,
		AccountIDEndpointMode:       aws.AccountIDEndpointModePreferred,
		RequestChecksumCalculation:  aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation:  aws.ResponseChecksumValidationWhenSupported,
		ConfigSources:               []any{serviceEndpoints(getenv)},
	}
	if ep := getenv(envAWSEndpointURL); ep != "" {
		if u, err := url.Parse(ep); err != nil || u.Scheme == "" || u.Host == "" {
			return aws.Config{}, fmt.Errorf("AWS configuration: %s %q is not an absolute URL: set it to the local AWS's address, e.g. http://127.0.0.1:4566, or unset it in Lambda", envAWSEndpointURL, ep)
		}
		cfg.BaseEndpoint = aws.String(ep)
	}
	return cfg, nil
}

// envCredentials are the execution role's credentials, cached and tagged as
// coming from environment variables, as LoadDefaultConfig's are (the tag
// reaches the user agent).
func envCredentials(keyID, secret, token string) aws.CredentialsProvider {
	return aws.NewCredentialsCache(credentials.StaticCredentialsProvider{
		Value: aws.Credentials{
			AccessKeyID:     keyID,
			SecretAccessKey: secret,
			SessionToken:    token,
			Source:          "EnvConfigCredentials",
		},
		Source: []aws.CredentialSource{aws.CredentialSourceEnvVars},
	})
}

// serviceEndpoints answers the service clients' look-up of
// AWS_ENDPOINT_URL_<SERVICE> in aws.Config.ConfigSources (the SDK's
// configsources.ServiceBaseEndpointProvider), as config.EnvConfig does.
type serviceEndpoints func(string) string

// GetServiceBaseEndpoint returns AWS_ENDPOINT_URL_<SERVICE> for the service
// whose SDK ID is sdkID, when it is set.
func (getenv serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	v := getenv(envAWSEndpointURL + "_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_"))
	return v, v != "", nil
}
