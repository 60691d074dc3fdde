using System.Text.Json;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

/// <summary>
/// A throwaway database for one test: every command goes through <c>--db</c> to a file in a fresh
/// temp directory, so no test touches the user's database or another test's.
/// </summary>
internal sealed class TestDb : IDisposable
{
    private readonly TempDirectory _dir = new("vigil-cli-db-");

    public TestDb() => Path = System.IO.Path.Combine(_dir.Path, "vigil.db");

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The temp directory (for list files, reports, images).</summary>
    public string Dir => _dir.Path;

    /// <summary>Runs vigil in-process with <c>--db</c> pointing at this database.</summary>
    public CliResult Run(params string[] args) => CliRunner.Run(["--db", Path, .. args]);

    /// <summary>Runs and asserts exit code 0, showing stderr when it is not.</summary>
    public CliResult Ok(params string[] args)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 0, $"vigil {string.Join(' ', args)} exited {result.ExitCode}\nstdout: {result.Output}\nstderr: {result.Error}");
        return result;
    }

    /// <summary>Writes <paramref name="text"/> to a file in the temp directory and returns its full path.</summary>
    public string WriteFile(string relative, string text)
    {
        string path = _dir.File(relative);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Copies <paramref name="source"/> into the temp directory under <paramref name="relative"/>.</summary>
    public string CopyFile(string source, string relative)
    {
        string path = _dir.File(relative);
        File.Copy(source, path, overwrite: true);
        return path;
    }

    /// <summary>The content count of a bank, read through <c>bank list --format json</c>.</summary>
    public long ContentCount(string bank)
    {
        var list = Ok("bank", "list", "--format", "json");
        using var doc = JsonDocument.Parse(list.Output);
        foreach (var element in doc.RootElement.EnumerateArray())
        {
            if (element.GetProperty("name").GetString() == bank)
                return element.GetProperty("content_count").GetInt64();
        }
        throw new Xunit.Sdk.XunitException($"bank {bank} is not in the list: {list.Output}");
    }

    /// <summary>The pdq values of a bank, through <c>bank export --format te</c>.</summary>
    public List<string> ExportPdq(string bank)
    {
        var export = Ok("bank", "export", bank, "--format", "te");
        return export.OutputLines.Where(l => l.StartsWith("pdq ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The benign demo images copied next to the test binary (src/Vigil.Cli/samples).</summary>
internal static class CliSamples
{
    public static string Known(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "samples", "known", name);

    public static string Upload(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "samples", "uploads", name);

    /// <summary>The hash-list samples of the Exchanges tests (tests/Vigil.Exchanges.Tests/Samples).</summary>
    public static string ExchangeSample(string name) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(Fixtures.Root, "..", "Vigil.Exchanges.Tests", "Samples", name));

    /// <summary>PDQ quality 0 (a tiny image): below the default --min-quality of 50.</summary>
    public static string LowQualityImage => Fixtures.ThreatExchange("pdq/data/misc-images/small.jpg");
}

/// <summary>Hamming distance of 64-digit hex PDQ hashes, computed independently of the product code.</summary>
internal static class Hex256
{
    public static ulong[] Parse(string hex)
    {
        Assert.Equal(64, hex.Length);
        var limbs = new ulong[4];
        for (int i = 0; i < 4; i++)
            limbs[i] = Convert.ToUInt64(hex.Substring(i * 16, 16), 16);
        return limbs;
    }

    public static int Distance(ulong[] a, ulong[] b)
    {
        int d = 0;
        for (int i = 0; i < 4; i++)
            d += System.Numerics.BitOperations.PopCount(a[i] ^ b[i]);
        return d;
    }

    public static int Distance(string a, string b) => Distance(Parse(a), Parse(b));

    public static string Random(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
