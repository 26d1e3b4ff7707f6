namespace Platform.Api.Tests.Support;

/// <summary>
/// Locates the project's read-only `shared/` folder (models, reference vectors) beside the checkout.
/// Conformance tests never skip: a missing folder is a failure, so CI cannot go green without checking anything.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Directory => Root.Value;

    public static string Model(string name) => Path.Combine(Directory, "models", name);

    public static string Reference(string fileName) => Path.Combine(Directory, "reference", fileName);

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("PLATFORM_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Directory.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"PLATFORM_SHARED_DIR points at '{configured}', which does not exist.");
        }

        // Walk up from the test binaries to the checkout, then look for its sibling `shared/`.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (dir.GetFiles("Platform.sln").Length > 0 || System.IO.Directory.Exists(Path.Combine(candidate, "reference")))
            {
                var sibling = dir.GetFiles("Platform.sln").Length > 0 ? Path.Combine(dir.Parent?.FullName ?? dir.FullName, "shared") : candidate;
                if (System.IO.Directory.Exists(Path.Combine(sibling, "reference")))
                {
                    return sibling;
                }
            }
        }

        throw new InvalidOperationException(
            "The shared/ folder (models and reference vectors) was not found beside the checkout; set PLATFORM_SHARED_DIR. " +
            "Conformance tests fail rather than skip without it.");
    }
}
