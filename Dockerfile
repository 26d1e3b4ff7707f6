# Builds the API image; ONNX Runtime comes from NuGet with the build (nothing from Node.js).
# Default target: the CPU image. `--target gpu` (compose profile `gpu`): the CUDA 13 build on an NVIDIA runtime base.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Api/Api.csproj -c Release -r linux-x64 --self-contained false -o /app

FROM build AS build-gpu
RUN dotnet publish Api/Api.csproj -c Release -r linux-x64 --self-contained false -o /app -p:OnnxRuntimeFlavor=cuda

# CUDA 13 runtime with cuDNN 9: the libraries libonnxruntime_providers_cuda.so loads (libcudart, libcublas,
# libcublasLt, libcufft, libcurand, libcudnn). The .NET runtime is copied in from Microsoft's image.
FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04 AS gpu
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
WORKDIR /app
COPY --from=build-gpu /app .
# Not root here either: the same uid as the CPU image's APP_UID (1654), which the Kubernetes manifests run as.
RUN groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home app \
    && mkdir -p /models /spool /app/.data && chown -R 1654:1654 /models /spool /app/.data
USER 1654
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    Inference__ModelsDirectory=/models \
    Inference__ExecutionProvider=cuda
VOLUME /models
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=30 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["dotnet", "Platform.Api.dll"]

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
