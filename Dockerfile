# Builds the API image: the app plus the ONNX Runtime native library from the pinned npm package.
# CPU build by default; for CUDA see README ("GPU hosts") and the `gpu` profile in compose.yaml.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cd Inference && npm ci --ignore-scripts --no-audit --no-fund
RUN dotnet publish Api/Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# Not root: the image's built-in unprivileged user (APP_UID). It owns only what the app writes: the models folder
# (the built-in model is written there when it is empty) and the metering spool (/spool in compose).
RUN mkdir -p /models /spool /app/.data && chown -R $APP_UID /models /spool /app/.data
USER $APP_UID
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Inference__ModelsDirectory=/models
VOLUME /models
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=30 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["dotnet", "Platform.Api.dll"]
