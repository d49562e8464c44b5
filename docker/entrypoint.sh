#!/bin/sh
# Renders the configuration template from the environment (the official
# nginx image's templates convention), then runs the command.
set -e
mkdir -p "$API_RUN_DIR"
for t in /etc/nginx/templates/*.template; do
    [ -e "$t" ] || continue
    out=/etc/nginx/$(basename "$t" .template)
    render-conf "$t" > "$out"
done
exec "$@"
