# Hearth: one static binary (pure-Go SQLite, no cgo) in a minimal, non-root image.
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t hearth .
#   docker run --rm -it -v hearth-data:/data hearth            # the shell
#   docker run -d -v hearth-data:/data -e SLACK_BOT_TOKEN=… -e SLACK_APP_TOKEN=… hearth
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/hearth ./cmd/hearth \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/hearth /usr/local/bin/hearth
COPY --from=build --chown=65532:65532 /out/data /data
ENV HEARTH_DB=/data/hearth.db \
    HEARTH_HTTP_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
# distroless has no shell or curl: the binary asks its own /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/hearth", "health"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["run"]
