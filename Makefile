# Landfall. `make demo` runs the whole pipeline locally; `make test` runs every check.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := launch worker
GOLANGCI_LINT_VERSION := v2.15.0
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: all build demo test test-go fmt-check vet lint bench clean $(addprefix build-,$(FUNCTIONS))

all: test

## build: the Lambda binaries (linux/arm64, provided.al2023), build/<function>/bootstrap
build: $(addprefix build-,$(FUNCTIONS))

build-%:
	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -trimpath -tags lambda.norpc -ldflags='-s -w' -o build/$*/bootstrap ./functions/$*

## demo: a new account gets its products, on the local AWS emulator, with the embedded plan and world
demo:
	$(GO) run ./cmd/landfall local --event internal/lifecycle/testdata/events/create-managed-account-succeeded.json

## test: formatting, vet, and every test with the race detector
test: fmt-check vet test-go

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...

## lint: golangci-lint, pinned
lint:
	@command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q "$(GOLANGCI_LINT_VERSION:v%=%)" || \
		$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	PATH="$$($(GO) env GOPATH)/bin:$$PATH" golangci-lint run ./...

## bench: speed and memory goals, as benchmarks
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

clean:
	rm -rf build cdk.out
