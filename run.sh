#!/usr/bin/env bash
# Installs what is missing, builds, and starts the platform on http://127.0.0.1:8080 (ASPNETCORE_URLS overrides).
# Configuration: Api/appsettings.json, overridden by environment variables such as Inference__ModelsDirectory.
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"
source "$repo_root/scripts/postgres.sh"

require_dotnet
cd "$repo_root"
log "building (Release)"
dotnet build Api/Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
start_embedded_postgres
log "starting; models from ${Inference__ModelsDirectory:-./models}"
# The content root is Api/, where appsettings.json lives; relative paths in settings resolve against the repo root.
# Not exec'd: the script outlives the app so that its EXIT trap stops the embedded Postgres; signals are passed on.
dotnet Api/bin/Release/net10.0/Platform.Api.dll --contentRoot "$repo_root/Api" "$@" &
app=$!
trap 'kill -TERM "$app" 2>/dev/null || true' INT TERM
while kill -0 "$app" 2>/dev/null; do wait "$app" || true; done
wait "$app"
