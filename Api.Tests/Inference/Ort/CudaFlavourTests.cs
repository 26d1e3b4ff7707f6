using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Api.Tests.Support;
using Platform.Api.Tests.Usage;
using Xunit.Abstractions;

namespace Platform.Api.Tests.Inference.Ort;

/// <summary>
/// The CUDA flavour (<c>-p:OnnxRuntimeFlavor=cuda</c>: Microsoft.ML.OnnxRuntime.Gpu.Linux) built on this CPU-only
/// machine: the package restores and its CUDA provider library is there, but it cannot load without CUDA 13.
/// <c>auto</c> must fall back to the CPU and serve, saying why; <c>cuda</c> must refuse to start, naming the
/// missing library. The app is built from a copy of the sources so the main build's outputs stay untouched.
/// </summary>
[Collection(Name)]
public sealed class CudaFlavourTests(CudaFlavourTests.Build build, ITestOutputHelper output)
{
    public const string Name = "CUDA flavour build";

    // What the GPU build's provider needs first and cannot find here (measured with ORT 1.31.0 Gpu.Linux).
    private const string MissingLibrary = "libcublasLt.so.13";

    [Fact]
    public async Task CudaFlavour_Auto_FallsBackToCpuAndServes()
    {
        await using var database = await TestDatabase.CreateAsync("platform_cuda");
        var adminKey = $"sk-cuda-admin-{Guid.NewGuid():N}";
        await using var app = await ChildApp.StartAsync(Settings(database, "auto", adminKey), build.AppDirectory);

        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var ready = JsonDocument.Parse(await client.GetStringAsync(new Uri("readyz", UriKind.Relative)));
        var runtime = ready.RootElement.GetProperty("onnx_runtime");
        output.WriteLine(runtime.ToString());
        Assert.Equal("cuda", runtime.GetProperty("flavor").GetString());
        Assert.Contains("CUDAExecutionProvider", runtime.GetProperty("providers").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("CPUExecutionProvider", runtime.GetProperty("execution_provider").GetString());
        Assert.Contains(MissingLibrary, runtime.GetProperty("fallback_reason").GetString(), StringComparison.Ordinal);
        Assert.Single(app.Log.Split('\n'), l => l.Contains("CUDA execution provider unavailable", StringComparison.Ordinal));

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var content = new StringContent("""{"model":"tiny-random-llama","prompt":"Hello","max_tokens":8,"temperature":0}""", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("v1/completions", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var completion = JsonDocument.Parse(body);
        Assert.Equal(8, completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CudaFlavour_Cuda_RefusesToStartNamingTheMissingLibrary()
    {
        await using var database = await TestDatabase.CreateAsync("platform_cuda");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = build.AppDirectory,
        };
        start.ArgumentList.Add(Path.Combine(build.AppDirectory, "Platform.Api.dll"));
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in Settings(database, "cuda", $"sk-cuda-admin-{Guid.NewGuid():N}"))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The app with Inference:ExecutionProvider=cuda did not stop within 120 s.");
        }

        var log = await stdout + await stderr;
        output.WriteLine(log);
        Assert.NotEqual(0, process.ExitCode);

        // Our own start-up error carries the cause, not only ORT's line on stderr.
        var failure = log.Split('\n').FirstOrDefault(l => l.Contains("Inference:ExecutionProvider is 'cuda'", StringComparison.Ordinal));
        Assert.NotNull(failure);
        Assert.Contains(MissingLibrary, failure, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(TestDatabase database, string provider, string adminKey) => new()
    {
        ["ConnectionStrings:Platform"] = database.ConnectionString,
        ["Inference:ModelsDirectory"] = Build.ModelsDirectory,
        ["Inference:WriteDefaultModel"] = "false",
        ["Inference:ExecutionProvider"] = provider,
        ["Inference:IntraOpThreads"] = "1",
        ["PLATFORM_ADMIN_KEY"] = adminKey,
    };

    /// <summary>Builds the API once with the CUDA flavour from a copy of the sources (a few minutes on a busy machine).</summary>
    public sealed class Build : IDisposable
    {
        private static readonly string[] SourceFolders = ["Api", "Billing", "Inference", "Moderation"];
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"platform-cuda-{Guid.NewGuid():N}");

        public Build()
        {
            var repository = RepositoryRoot();
            var sources = Path.Combine(_root, "src");
            foreach (var folder in SourceFolders)
            {
                CopySources(Path.Combine(repository, folder), Path.Combine(sources, folder));
            }

            // The build settings, package versions, .editorconfig and openapi.yaml (which the API serves) sit at the top.
            foreach (var file in Directory.EnumerateFiles(repository))
            {
                File.Copy(file, Path.Combine(sources, Path.GetFileName(file)));
            }

            AppDirectory = Path.Combine(_root, "app");
            var log = RunBuild(sources, AppDirectory);
            Assert.True(File.Exists(Path.Combine(AppDirectory, "Platform.Api.dll")), $"The CUDA flavour did not build:\n{log}");
            Assert.True(
                Directory.EnumerateFiles(AppDirectory, "libonnxruntime_providers_cuda.so", SearchOption.AllDirectories).Any(),
                $"The CUDA flavour carries no libonnxruntime_providers_cuda.so:\n{log}");
        }

        public static string ModelsDirectory { get; } = CreateModels();

        public string AppDirectory { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is not a test failure.
            }
        }

        private static string RunBuild(string sources, string output)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = sources,
            };
            foreach (var argument in new[] { "build", "Api/Api.csproj", "-c", "Release", "-p:OnnxRuntimeFlavor=cuda", "-o", output, "--disable-build-servers", "-nologo", "-v", "quiet" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Building the CUDA flavour took more than 15 minutes.");
            }

            var log = stdout.Result + stderr.Result;
            Assert.True(process.ExitCode == 0, $"Building the CUDA flavour failed:\n{log}");
            return log;
        }

        private static void CopySources(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var folder in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
            {
                CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }

        private static string CreateModels()
        {
            var models = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"platform-cuda-models-{Guid.NewGuid():N}")).FullName;
            Directory.CreateSymbolicLink(Path.Combine(models, "tiny-random-llama"), SharedData.Model("tiny-random-llama"));
            return models;
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Platform.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("The checkout (Platform.sln) was not found above the test binaries.");
        }
    }
}

[CollectionDefinition(CudaFlavourTests.Name)]
public sealed class CudaFlavourBuild : ICollectionFixture<CudaFlavourTests.Build>;
