# Landfall. `make demo` runs the whole pipeline locally; `make test` runs every check.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := launch worker
GOLANGCI_LINT_VERSION := v2.15.0
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

# CDK: an offline synth needs an account and region (real deploys take them from the AWS profile).
CDK_FLAGS := --no-notices --no-version-reporting
SYNTH_ENV := AWS_EC2_METADATA_DISABLED=true \
             CDK_DEFAULT_ACCOUNT=$${CDK_DEFAULT_ACCOUNT:-111111111111} CDK_DEFAULT_REGION=$${CDK_DEFAULT_REGION:-us-east-1}

.PHONY: all build demo gameday test test-go fmt-check vet lint bench bench-coldstart synth synth-check diff deploy clean $(addprefix build-,$(FUNCTIONS))

all: test

## build: the Lambda binaries (linux/arm64, provided.al2023), build/<function>/bootstrap
build: $(addprefix build-,$(FUNCTIONS))

# How a Lambda binary is built; GOOS and GOARCH are set per use.
LAMBDA_BUILD = CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w'

$(addprefix build-,$(FUNCTIONS)): build-%:
	GOOS=linux GOARCH=arm64 $(LAMBDA_BUILD) -o build/$*/bootstrap ./functions/$*

## demo: a new account gets its products, on the local AWS emulator, with the embedded plan and world
demo:
	$(GO) run ./cmd/landfall local --event internal/lifecycle/samples/create-managed-account-succeeded.json

## gameday: fault scenarios on the local AWS, one row each (lost targets, duplicate products,
## summaries per run, truthful summaries), printed as the Markdown table README.md shows
gameday:
	$(GO) run ./internal/gameday/cmd

## test: formatting, vet, every Go test with the race detector, and cdk synth rejecting an invalid plan
test: fmt-check vet test-go synth-check

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet: node_modules/.bin/cdk
	$(GO) vet ./...

test-go: node_modules/.bin/cdk
	$(GO) test -race -count=1 ./...

## lint: golangci-lint, pinned
lint: node_modules/.bin/cdk
	@command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q "$(GOLANGCI_LINT_VERSION:v%=%)" || \
		$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	PATH="$$($(GO) env GOPATH)/bin:$$PATH" golangci-lint run ./...

## bench: speed and memory goals, as benchmarks
bench:
	$(GO) test -run='^$$' -bench=. -benchmem $$($(GO) list ./... | grep -v /infra)

## bench-coldstart: each function's init (exec to the first /invocation/next) and peak RSS
## against the field note's init in Go (baseline), interleaved, with medians and ratios (issue #14);
## floor is the baseline plus the Organizations and SQS clients the functions also need.
## Timed on linux/<this machine's arch>; sizes also for linux/arm64, the deployed build.
COLDSTART_DIR := build/coldstart
COLDSTART_FLAGS ?= -runs 21
bench-coldstart:
	@set -e; for arch in $$(printf '%s\n' $$($(GO) env GOARCH) arm64 | sort -u); do \
		for fn in $(FUNCTIONS); do GOOS=linux GOARCH=$$arch $(LAMBDA_BUILD) -o $(COLDSTART_DIR)/$$arch/$$fn ./functions/$$fn; done; \
		for ref in baseline floor; do GOOS=linux GOARCH=$$arch $(LAMBDA_BUILD) -o $(COLDSTART_DIR)/$$arch/$$ref ./internal/coldstart/$$ref; done; \
	done
	$(GO) run ./internal/coldstart -dir $(COLDSTART_DIR) -functions "floor $(FUNCTIONS)" $(COLDSTART_FLAGS)

# The pinned CDK CLI. Its postinstall hook writes node_modules/go.mod so that
# `go ... ./...` does not wander into the npm packages.
node_modules/.bin/cdk: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## synth: cdk.out/ from cdk.json, offline
synth: build node_modules/.bin/cdk
	$(SYNTH_ENV) npx cdk synth $(CDK_FLAGS) -q

## synth-check: the real `cdk synth` refuses an invalid plan with the validator's message
synth-check: build node_modules/.bin/cdk
	@out=$$($(SYNTH_ENV) npx cdk synth $(CDK_FLAGS) -q -o $$(mktemp -d) -c landfall:planFile=infra/stack/testdata/invalid-plan.yaml 2>&1); st=$$?; \
	if [ $$st -ne 0 ] && grep -q 'landfall:planFile names an invalid plan' <<<"$$out" && grep -q 'is not a region' <<<"$$out"; then \
		echo 'ok: cdk synth rejects an invalid plan with the validator'"'"'s message'; \
	else echo "$$out"; echo 'FAIL: cdk synth accepted an invalid plan'; exit 1; fi

diff: build node_modules/.bin/cdk
	npx cdk diff $(CDK_FLAGS)

## deploy: needs AWS credentials for the management account. --all: with a home region other
## than us-east-1 the app also has the us-east-1 stack that forwards Organizations events.
deploy: build node_modules/.bin/cdk
	npx cdk deploy $(CDK_FLAGS) --all

clean:
	rm -rf build cdk.out
