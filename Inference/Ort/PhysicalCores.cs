namespace Platform.Inference.Ort;

/// <summary>
/// The intra-op threads a session gets when none is configured: the physical cores this process may run on, never
/// more than the processors the .NET runtime grants it (its affinity and a container's CPU quota). ORT's own default
/// on Linux is half the logical processors, whatever the topology: one thread on a 2-vCPU machine without SMT,
/// which measured 1.7x slower than two on the 100M benchmark model here, and half the host's processors in a
/// container whose CPU quota is smaller.
/// </summary>
internal static class PhysicalCores
{
    private const string AllowedListKey = "Cpus_allowed_list:";

    /// <summary>At least 1; the granted processor count where the topology cannot be read (not Linux, no sysfs).</summary>
    public static int Available()
    {
        var granted = Environment.ProcessorCount;
        var cores = OperatingSystem.IsLinux() ? CountOnLinux() : null;
        return Math.Clamp(cores ?? granted, 1, granted);
    }

    /// <summary>
    /// Parses a kernel CPU list ("0-3,8,10-11", as in <c>Cpus_allowed_list</c> or <c>core_cpus_list</c>).
    /// </summary>
    /// <exception cref="FormatException">The list is malformed.</exception>
    public static IReadOnlyList<int> ParseCpuList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var cpus = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var first = int.Parse(dash < 0 ? part : part[..dash], System.Globalization.CultureInfo.InvariantCulture);
            var last = dash < 0 ? first : int.Parse(part[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            if (first < 0 || last < first)
            {
                throw new FormatException($"'{part}' is not a CPU range.");
            }

            for (var cpu = first; cpu <= last; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    /// <summary>
    /// Physical cores among <paramref name="cpus"/>: logical processors that share a core list one core. Null when
    /// a processor's siblings are unknown (<paramref name="siblingsOf"/> returns null).
    /// </summary>
    public static int? CountCores(IEnumerable<int> cpus, Func<int, string?> siblingsOf)
    {
        ArgumentNullException.ThrowIfNull(cpus);
        ArgumentNullException.ThrowIfNull(siblingsOf);
        var cores = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cpu in cpus)
        {
            if (siblingsOf(cpu) is not { } siblings)
            {
                return null;
            }

            // Normalised, so "0,1" and "0-1" name the same core.
            cores.Add(string.Join(',', ParseCpuList(siblings)));
        }

        return cores.Count == 0 ? null : cores.Count;
    }

    private static int? CountOnLinux()
    {
        try
        {
            var allowed = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith(AllowedListKey, StringComparison.Ordinal));
            return allowed is null ? null : CountCores(ParseCpuList(allowed[AllowedListKey.Length..]), Siblings);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The logical processors sharing <paramref name="cpu"/>'s core (core_cpus_list on newer kernels, thread_siblings_list on older ones).</summary>
    private static string? Siblings(int cpu)
    {
        var topology = $"/sys/devices/system/cpu/cpu{cpu}/topology";
        foreach (var name in new[] { "core_cpus_list", "thread_siblings_list" })
        {
            var path = Path.Combine(topology, name);
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Trim();
            }
        }

        return null;
    }
}
