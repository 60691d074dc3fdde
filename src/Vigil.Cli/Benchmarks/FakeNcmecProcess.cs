using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.Exchanges.Fakes;

namespace Vigil.Cli.Benchmarks;

/// <summary>
/// The backfill benchmark's fake NCMEC in a process of its own (<c>vigil bench fake-ncmec</c>, hidden):
/// a million synthetic entries and the XML of their pages would otherwise share the load client's
/// heap, and that heap's collections (a 400 ms blocking gen2 at 1,000,000 entries) would be counted
/// as the server's lookup latency. The child writes its credentials file, prints one ready line and
/// serves until its standard input closes, so it never outlives the benchmark.
/// </summary>
internal sealed class FakeNcmecProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "ready ";
    private readonly Process _process;

    private FakeNcmecProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    /// <summary>The fake's API root (http://127.0.0.1:PORT/...).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts the child with <paramref name="entries"/> entries; its credentials go to <paramref name="credentialsFile"/>.</summary>
    public static async Task<FakeNcmecProcess> StartAsync(int entries, string credentialsFile, CancellationToken ct)
    {
        var start = ServerProcess.StartInfo();
        start.RedirectStandardInput = true;
        foreach (string arg in (string[])["bench", "fake-ncmec", "--entries", entries.ToString(CultureInfo.InvariantCulture), "--credentials-out", credentialsFile])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the fake NCMEC");
        _ = process.StandardError.ReadToEndAsync(ct);
        string? line = await process.StandardOutput.ReadLineAsync(ct);
        if (line is null || !line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"the fake NCMEC did not start: {line ?? "it exited"}");
        }
        return new FakeNcmecProcess(process, new Uri(line[ReadyPrefix.Length..]));
    }

    /// <summary>The child's side: makes the entries, serves them and waits for standard input to close.</summary>
    public static async Task<int> ServeAsync(int entries, string credentialsFile, TextWriter output, CancellationToken ct)
    {
        await using var fake = await FakeNcmec.StartAsync(cancellationToken: ct);
        foreach (var entry in SyntheticEntries(entries))
            fake.Add(entry);
        await File.WriteAllTextAsync(credentialsFile,
            JsonSerializer.Serialize(new Dictionary<string, string> { ["user"] = fake.User, ["password"] = fake.Password }), ct);
        output.WriteLine(ReadyPrefix + fake.BaseUrl.AbsoluteUri);
        output.Flush();
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await stdin.ReadAsync(buffer, ct) > 0)
        {
        }
        return ExitCodes.Success;
    }

    /// <summary>
    /// Entries made from digests of a counter, spread over 2024: uniformly random-looking like real
    /// hashes (the store keys signals by their first 16 hex digits), and no real hash.
    /// </summary>
    public static IEnumerable<FakeNcmecEntry> SyntheticEntries(int entries)
    {
        var day0 = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < entries; i++)
        {
            byte[] seed = System.Text.Encoding.UTF8.GetBytes("vigil-synthetic-backfill-" + i.ToString(CultureInfo.InvariantCulture));
            yield return new FakeNcmecEntry(42, "e" + i.ToString(CultureInfo.InvariantCulture), day0.AddSeconds(i * (365.0 * 86400 / entries)),
                Classification: "A1", Fingerprints: [new("pdq", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(seed))),
                    new("md5", Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(seed)))]);
        }
    }

    /// <summary>Closes the child's standard input (it stops) and kills it if it lingers.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
