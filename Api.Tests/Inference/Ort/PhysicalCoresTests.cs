using Platform.Api.Tests.Support;
using Platform.Inference.Ort;

namespace Platform.Api.Tests.Inference.Ort;

[Collection(OrtTests.Name)]
public sealed class PhysicalCoresTests(OrtFixture ort)
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3,8,10-11", new[] { 0, 1, 2, 3, 8, 10, 11 })]
    [InlineData(" 2-3 \n", new[] { 2, 3 })]
    public void ParseCpuList_KernelFormat_ListsEveryCpu(string list, int[] expected)
    {
        Assert.Equal(expected, PhysicalCores.ParseCpuList(list));
    }

    [Theory]
    [InlineData("3-1")]
    [InlineData("a")]
    [InlineData("1-")]
    public void ParseCpuList_Malformed_Throws(string list)
    {
        Assert.Throws<FormatException>(() => PhysicalCores.ParseCpuList(list));
    }

    [Fact]
    public void CountCores_HyperThreadSiblings_CountOnce()
    {
        // Two cores with two hardware threads each; the kernel may write a core's list either way.
        var siblings = new Dictionary<int, string> { [0] = "0-1", [1] = "0,1", [2] = "2,3", [3] = "2-3" };
        Assert.Equal(2, PhysicalCores.CountCores([0, 1, 2, 3], cpu => siblings[cpu]));

        // Allowed on one thread of each core: still two cores.
        Assert.Equal(2, PhysicalCores.CountCores([0, 2], cpu => siblings[cpu]));
    }

    [Fact]
    public void CountCores_NoSmt_OneCorePerCpu()
    {
        Assert.Equal(2, PhysicalCores.CountCores([0, 1], cpu => cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void CountCores_UnknownTopology_Null()
    {
        Assert.Null(PhysicalCores.CountCores([0, 1], cpu => cpu == 0 ? "0" : null));
        Assert.Null(PhysicalCores.CountCores([], _ => "0"));
    }

    [Fact]
    public void Available_ThisMachine_AtLeastOneAndNoMoreThanGranted()
    {
        var cores = PhysicalCores.Available();
        Assert.InRange(cores, 1, Environment.ProcessorCount);
        if (OperatingSystem.IsLinux() && Directory.Exists("/sys/devices/system/cpu/cpu0/topology"))
        {
            // Every allowed processor's core, counted from sysfs directly.
            var status = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            var allowed = PhysicalCores.ParseCpuList(status["Cpus_allowed_list:".Length..]);
            var coreIds = allowed.Select(cpu => File.ReadAllText($"/sys/devices/system/cpu/cpu{cpu}/topology/physical_package_id").Trim() + "/" + File.ReadAllText($"/sys/devices/system/cpu/cpu{cpu}/topology/core_id").Trim()).Distinct().Count();
            Assert.Equal(Math.Min(coreIds, Environment.ProcessorCount), cores);
        }
    }

    [Fact]
    public void CreateSession_ZeroThreads_GetsThePhysicalCores_AnExplicitCountIsKept()
    {
        var model = Path.Combine(SharedData.Model("tiny-random-gpt2"), "past.onnx");
        using var auto = ort.Runtime.CreateSession(model, new SessionSettings());
        Assert.Equal(PhysicalCores.Available(), auto.IntraOpThreads);

        using var three = ort.Runtime.CreateSession(model, new SessionSettings { IntraOpThreads = 3 });
        Assert.Equal(3, three.IntraOpThreads);
    }
}
