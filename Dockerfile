# PayTrack's production image: build the release with cargo-leptos, then run the binary, its
# hash file, Leptos.toml and the site on a slim Debian, as an unprivileged user.
#   docker build -t paytrack .
#   docker run -p 3000:3000 -e PAYTRACK_BASE_URL=… -e MONGODB_URI=… … paytrack
# The variables production needs are in README.md ("Running the release binary").

# The full Rust image: cargo-leptos builds a vendored OpenSSL, which needs make and Perl.
FROM rust:1.95-trixie AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown
# The build orchestrators (they only drive rustc, so a debug build of them is enough), and
# wasm-opt from npm's binaryen. The versions are those scripts/setup installs.
RUN cargo install cargo-leptos@0.3.10 --locked --features no_downloads --debug
RUN npm install --global --no-audit --no-fund binaryen@132.0.0
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, or the bundle will not load.
RUN version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock) \
 && cargo install wasm-bindgen-cli --version "$version" --debug
COPY . .
ENV CARGO_TARGET_DIR=/src/target
RUN cargo leptos build --release --precompress --split --features split

FROM debian:trixie-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app paytrack
WORKDIR /app
COPY --from=build /src/target/release/paytrack /src/target/release/hash.txt ./
COPY --from=build /src/Leptos.toml ./
COPY --from=build /src/target/site ./target/site
USER paytrack
ENV PAYTRACK_ENV=production \
    PAYTRACK_BIND_ADDR=0.0.0.0:3000 \
    RUST_LOG=info
EXPOSE 3000
# The orchestrator probes GET /healthz (alive) and GET /readyz (database reachable).
ENTRYPOINT ["/app/paytrack"]
