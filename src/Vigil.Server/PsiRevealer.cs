using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Banks;
using Vigil.Hashing.Pdq;
using Vigil.Privacy.Psi;
using Vigil.Hashing.Signals;
using Vigil.Review.Cases;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>
/// Runs the per-account reveal of private matching in the background, after the upload that made
/// it due has been answered: the upload's answer and its timing never depend on whether anything
/// opened or was revealed. For an account with more than t opened vouchers it rebuilds the opened
/// vouchers from the store, runs <see cref="VoucherProcessor.Reveal"/>, re-checks each revealed
/// hash against the list's banks at distance 31 or less, and records the review cases (once per
/// voucher) and the account's status in one step; every reveal and every flag goes to the audit
/// log. Accounts are processed one at a time each, different accounts in parallel; at start-up,
/// accounts whose reveal was due when the service stopped are taken up again.
/// </summary>
public sealed class PsiRevealer(IPrivateMatchingStore store, ServerSettings settings, MatcherHost matcherHost, AuditTrail audit,
    ILogger<PsiRevealer> logger) : BackgroundService
{
    /// <summary>The audit log's actor for reveals (they are the service's own doing, not a key's).</summary>
    public const string AuditActor = "vigil:psi";

    /// <summary>The re-check's largest PDQ distance.</summary>
    public const int RecheckDistance = 31;

    private const int Workers = 2;

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly AccountLocks _locks = new();
    private int _pending;

    /// <summary>Accounts queued or being revealed (tests wait for 0).</summary>
    internal int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues the account for a reveal (once, however often it is asked while it waits).</summary>
    public void Enqueue(string account)
    {
        if (!_queued.TryAdd(account, 0))
            return;
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(account))
        {
            _queued.TryRemove(account, out _);
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Waits until no reveal is queued or running (for tests).</summary>
    internal async Task WhenIdleAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Pending > 0)
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{Pending} private-matching reveal(s) still pending after {timeout.TotalSeconds:0.#} s");
            await Task.Delay(10);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var list = settings.PrivateMatching;
        if (list is null)
            return;
        try
        {
            foreach (string account in await store.ListPsiAccountsAwaitingRevealAsync(list.Threshold, stoppingToken))
                Enqueue(account);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "could not list the private-matching accounts whose reveal is due; they are revealed at their next upload");
        }
        var workers = new Task[Workers];
        for (int i = 0; i < Workers; i++)
            workers[i] = Task.Run(() => WorkAsync(list, stoppingToken), CancellationToken.None);
        await Task.WhenAll(workers);
    }

    private async Task WorkAsync(PsiList list, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (string account in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                // Taken off the queue first: an upload that lands during the reveal queues it again.
                _queued.TryRemove(account, out _);
                try
                {
                    using (await _locks.AcquireAsync(account, stoppingToken))
                        await RevealAsync(list, account, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "revealing private-matching account {Account} failed; it is tried again at its next upload or restart", account);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is due again at start-up (the store knows).
        }
    }

    /// <summary>One account's reveal (its lock held).</summary>
    internal async Task RevealAsync(PsiList list, string account, CancellationToken cancellationToken)
    {
        var stored = await store.ReadOpenedPsiVouchersAsync(account, cancellationToken);
        if (stored.Count <= list.Threshold)
            return;
        var state = await store.GetPsiAccountAsync(account, cancellationToken);
        var opened = new List<OpenedVoucher>(stored.Count);
        int rejected = 0;
        foreach (var voucher in stored)
        {
            try
            {
                opened.Add(new OpenedVoucher(list.ParseVoucher(voucher.Bytes), voucher.InnerKey));
            }
            catch (InvalidDataException)
            {
                // Stored under another threshold (an older list): its share is of no use here.
                rejected++;
            }
        }
        int total = (int)Math.Min(int.MaxValue, state?.Vouchers ?? stored.Count);
        var result = VoucherProcessor.Reveal(list.Threshold, total, opened, rejected);
        var cases = new List<NewCaseItem>(result.Matches.Count);
        if (result.Revealed)
        {
            var matcher = await WaitForMatcherAsync(cancellationToken);
            foreach (var match in result.Matches)
                cases.Add(await MakeCaseAsync(list, matcher, account, match, cancellationToken));
        }
        var recorded = await store.RecordPsiRevealAsync(new PsiReveal(account, stored.Count, result.Revealed, result.Problem, cases), cancellationToken);
        if (result.Revealed)
        {
            logger.LogWarning("private matching: account {Account} passed the threshold; {Cases} review case(s), {New} new", account, cases.Count, recorded.CasesCreated);
            await audit.RecordAsync(new AuditRecord(AuditActor, "psi.reveal", account, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["cases"] = cases.Count,
                ["new_cases"] = recorded.CasesCreated,
                ["list_version"] = list.ListVersion,
            })), CancellationToken.None);
        }
        if (result.Problem is not null)
        {
            logger.LogWarning("private matching: account {Account} flagged: {Reason}", account, result.Problem);
            await audit.RecordAsync(new AuditRecord(AuditActor, "psi.flag", account, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["reason"] = result.Problem,
            })), CancellationToken.None);
        }
    }

    private async Task<BankMatcher> WaitForMatcherAsync(CancellationToken cancellationToken)
    {
        // The re-check needs the bank index; at start-up it may still be loading.
        while (matcherHost.Matcher is null)
            await Task.Delay(100, cancellationToken);
        return matcherHost.Matcher;
    }

    /// <summary>A review item for one revealed match (joining the account's open case), with the re-check of its hash against the list's banks.</summary>
    private static async Task<NewCaseItem> MakeCaseAsync(PsiList list, BankMatcher matcher, string account, RevealedMatch match,
        CancellationToken cancellationToken)
    {
        string pdq = Convert.ToHexStringLower(match.Payload.Pdq);
        var outcome = await matcher.MatchAsync([PdqHash.Parse(pdq)], RecheckDistance, null, withContent: true, cancellationToken);
        BankMatch? best = null;
        foreach (var candidate in outcome.Matches)
        {
            // Sorted nearest first; only the banks the list was built from count.
            if (Contains(list.Banks, candidate.Bank.Name))
            {
                best = candidate;
                break;
            }
        }
        List<CaseMatch> matches = best is null ? [] : [CaseMatches.From(best)];
        return new NewCaseItem
        {
            Subject = account,
            Source = PsiNames.CaseSource,
            Priority = CasePriority.Of(matches, reason: null),
            Signals = [new Signal(SignalType.Pdq, pdq)],
            Matches = matches,
            Context = new ItemContext { FileName = match.Payload.Name },
            Account = account,
            VoucherId = match.VoucherId,
            Thumbnail = match.Payload.Thumbnail,
            Recheck = best is not null ? ReviewRecheck.Matched
                : outcome.SuppressedBy.Count > 0 ? ReviewRecheck.Suppressed : ReviewRecheck.Failed,
        };
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
