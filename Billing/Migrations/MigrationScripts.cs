using System.Reflection;

namespace Platform.Billing.Migrations;

/// <summary>The migrations embedded in this assembly (<c>Migrations/*.sql</c>), in version order.</summary>
internal static class MigrationScripts
{
    private const string ResourcePrefix = "Migrations/";

    public static IReadOnlyList<MigrationScript> Embedded()
    {
        var assembly = typeof(MigrationScripts).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => MigrationScript.FromFile(name[ResourcePrefix.Length..], Read(assembly, name)))
            .OrderBy(script => script.Version)
            .ToList();

        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new MigrationException($"Two migrations have version {duplicate.Key:D4}.");
        }

        return scripts;
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new MigrationException($"Embedded migration '{name}' cannot be read.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
