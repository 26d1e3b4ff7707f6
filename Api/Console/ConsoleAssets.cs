using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Platform.Api.WebConsole;

/// <summary>
/// The console's files (<c>Console/wwwroot</c>), embedded in the assembly and read once: nothing comes from a CDN,
/// and the console works offline. Each has a strong ETag from its content.
/// </summary>
internal sealed class ConsoleAssets
{
    private const string ResourcePrefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, ConsoleAsset> _assets;

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        _assets = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[ResourcePrefix.Length..].Replace('\\', '/'), n => Load(assembly, n), StringComparer.Ordinal);
    }

    public bool TryGet(string path, out ConsoleAsset asset) => _assets.TryGetValue(path, out asset!);

    public ConsoleAsset Get(string path) => _assets.TryGetValue(path, out var asset) ? asset : throw new InvalidOperationException($"The console asset '{path}' is not embedded.");

    private static ConsoleAsset Load(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        return new ConsoleAsset(bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    }
}

/// <summary>One embedded file: its bytes, content type and ETag.</summary>
internal sealed record ConsoleAsset(byte[] Content, string ContentType, string ETag)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Content);
}
