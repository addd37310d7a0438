#!/bin/sh
# Entry point of the Mission Graph image: `mission-graph <service> [args]`.
# Runs the compiled service with the `compiled` export condition (dist/*.js);
# without it Node would look for the TypeScript sources, which the image does not have.
set -eu
service="${1:-gateway}"
[ "$#" -gt 0 ] && shift
case "$service" in
  gateway | operations | police-cooperation | forensics | specialist-chambers | audit)
    exec node --conditions=compiled "/app/${service}/dist/main.js" "$@" ;;
  audit-verify)
    exec node --conditions=compiled /app/audit/dist/verify-cli.js "$@" ;;
  *)
    echo "usage: mission-graph <gateway|operations|police-cooperation|forensics|specialist-chambers|audit|audit-verify>" >&2
    exit 2 ;;
esac
