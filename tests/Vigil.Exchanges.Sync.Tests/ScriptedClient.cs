using System.Runtime.CompilerServices;
using Vigil.Exchanges.Fetching;
using Vigil.Hashing.Signals;

namespace Vigil.Exchanges.Sync.Tests;

/// <summary>
/// An exchange whose pages the test writes: page i carries checkpoint "i" (or none), and the client
/// resumes after the page whose checkpoint it is given. It can fail after a number of pages, as a
/// crash or an outage would, and counts the pages it handed out.
/// </summary>
internal sealed class ScriptedClient(IReadOnlyList<ExchangePage> pages) : IExchangeClient
{
    public int FailAfterPages { get; set; } = -1;

    public Exception Failure { get; set; } = new ExchangeUnavailableException("scripted outage");

    public int PagesServed { get; private set; }

    /// <summary>Runs before each page is handed over (a test's clock moving on as a slow exchange would).</summary>
    public Action? OnPage { get; set; }

    public List<string?> StartedFrom { get; } = [];

    public async IAsyncEnumerable<ExchangePage> FetchAsync(ExchangeCheckpoint? checkpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StartedFrom.Add(checkpoint?.Value);
        int start = 0;
        if (checkpoint is not null)
        {
            for (int i = 0; i < pages.Count; i++)
            {
                if (pages[i].Checkpoint?.Value == checkpoint.Value)
                    start = i + 1;
            }
        }
        int served = 0;
        for (int i = start; i < pages.Count; i++)
        {
            if (FailAfterPages >= 0 && served == FailAfterPages)
            {
                FailAfterPages = -1;
                throw Failure;
            }
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            OnPage?.Invoke();
            PagesServed++;
            served++;
            yield return pages[i];
        }
    }

    /// <summary>An addition of entry <paramref name="id"/> with a PDQ made from it.</summary>
    public static HashListEntry Add(int id, string? member = null) =>
        new(0, HashListAction.Add, [new Signal(SignalType.Pdq, Pdq(id))], "A1", member, "e" + id, null, """{"added":"synthetic"}""");

    /// <summary>A removal of entry <paramref name="id"/>.</summary>
    public static HashListEntry Remove(int id) => new(0, HashListAction.Remove, [], SourceId: "e" + id);

    public static string Pdq(int id) => id.ToString("x8", System.Globalization.CultureInfo.InvariantCulture).PadLeft(64, 'f');

    public static ExchangePage Page(string? checkpoint, params HashListEntry[] entries) =>
        new(entries, checkpoint is null ? null : new ExchangeCheckpoint(checkpoint, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
}
