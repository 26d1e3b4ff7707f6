#!/usr/bin/env bash
# Installs what is missing, builds, and starts the platform on http://127.0.0.1:8080 (ASPNETCORE_URLS overrides).
# Configuration: Api/appsettings.json, overridden by environment variables such as Inference__ModelsDirectory.
source "$(dirname "${BASH_SOURCE[0]}")/scripts/common.sh"

require_dotnet
install_onnxruntime
cd "$repo_root"
log "building (Release)"
dotnet build Api/Api.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
log "starting; models from ${Inference__ModelsDirectory:-./models}"
# The content root is Api/, where appsettings.json lives; relative paths in settings resolve against the repo root.
exec dotnet Api/bin/Release/net10.0/Platform.Api.dll --contentRoot "$repo_root/Api" "$@"
