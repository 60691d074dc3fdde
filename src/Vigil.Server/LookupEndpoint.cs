using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Vigil.Banks;
using Vigil.Hashing.Signals;
using Vigil.ImageHashing;
using Vigil.Storage;
using Microsoft.Extensions.DependencyInjection;
using ByBank = System.Collections.Generic.SortedDictionary<string, System.Collections.Generic.List<System.Collections.Generic.Dictionary<string, object?>>>;

namespace Vigil.Server;

/// <summary>
/// What a lookup's query string asks for beyond the signal: HMA's <c>banks</c>, <c>seed</c> and
/// <c>bypass_coinflip</c>, and Vigil's opt-in <c>include=metadata</c>.
/// </summary>
/// <param name="Banks">Only these banks' matches (null: every bank).</param>
/// <param name="Flip">This lookup's coin flip: a bank's matches count when its enabled_ratio is at least this.</param>
/// <param name="WithMetadata">Whether each match carries its label, source and note.</param>
internal sealed record LookupOptions(HashSet<string>? Banks, double Flip, bool WithMetadata)
{
    /// <summary>
    /// The answered matches, collected for the action rules' match event when a rule is about
    /// matches (null otherwise: nothing is collected). Each lookup has its own options.
    /// </summary>
    public List<Vigil.Review.Actions.ActionMatch>? ActionMatches { get; init; }

    /// <summary>Whether a rule about matches looks at classifications, which are in the content rows.</summary>
    public bool ActionsNeedContent { get; init; }

    /// <summary>Whether matches need their content rows: for the metadata asked for, or for the rules' classification conditions.</summary>
    public bool NeedsContent => WithMetadata || ActionsNeedContent;

    /// <summary>Whether a match in <paramref name="bank"/> is answered: the bank passes this lookup's coin flip and the bank filter.</summary>
    public bool Answers(Bank bank) => bank.EnabledRatio >= Flip && (Banks is null || Banks.Contains(bank.Name));

    public static LookupOptions From(string? banks, string? seed, string? bypassCoinflip, string? include,
        LookupCollection forActions = LookupCollection.None) => new(
        banks?.Split(',').ToHashSet(StringComparer.Ordinal),
        CoinFlip(seed, bypassCoinflip),
        include?.Split(',').Contains("metadata", StringComparer.OrdinalIgnoreCase) ?? false)
    {
        ActionMatches = forActions == LookupCollection.None ? null : [],
        ActionsNeedContent = forActions == LookupCollection.WithClassification,
    };

    /// <summary>
    /// HMA's one coin flip per lookup: a bank's matches count when its enabled_ratio is at least the
    /// flip. A seed makes the flip repeatable (not equal to HMA's own for the same seed: it uses
    /// CPython's generator); bypass_coinflip=true makes it 0.
    /// </summary>
    internal static double CoinFlip(string? seed, string? bypass)
    {
        if (string.Equals(bypass, "true", StringComparison.OrdinalIgnoreCase))
            return 0;
        if (seed is null)
            return Random.Shared.NextDouble();
        ulong bits = BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));
        return (bits >> 11) * (1.0 / (1UL << 53));
    }
}

/// <summary>HMA's lookup answer: <c>{"BANK": [{"bank_content_id": 1, "distance": "0"}]}</c>, banks in name order.</summary>
internal static class LookupResponse
{
    /// <summary>
    /// Groups a query's matches by bank after the coin flip and the bank filter; for a robust query (<paramref name="variantNames"/>
    /// given) each PDQ match says which of the query's hashes found it (<c>variant</c>: <c>pdq</c>, <c>rotate90</c>, <c>trimmed</c>, ...).
    /// </summary>
    public static SortedDictionary<string, List<Dictionary<string, object?>>> Group(QueryOutcome outcome, LookupOptions options,
        IReadOnlyList<string>? variantNames = null)
    {
        var byBank = new SortedDictionary<string, List<Dictionary<string, object?>>>(StringComparer.Ordinal);
        foreach (var match in outcome.Matches)
        {
            if (!options.Answers(match.Bank))
                continue;
            var item = Add(byBank, match.Bank, match.ContentId, match.Distance.ToString(CultureInfo.InvariantCulture), match.Content, match.Signal, options);
            if (variantNames is not null && match.Signal.IsPdq)
                item["variant"] = QueryHashes.HowFound(variantNames[match.QueryIndex], match.Signal == SignalType.PdqVariant);
        }
        return byBank;
    }

    /// <summary>
    /// Adds one match to its bank's list: HMA's <c>bank_content_id</c> and <c>distance</c> (a string,
    /// as HMA sends it), and with <c>include=metadata</c> what the bank knows about it. Returns the
    /// item, for callers that add fields of their own.
    /// </summary>
    public static Dictionary<string, object?> Add(SortedDictionary<string, List<Dictionary<string, object?>>> byBank, Bank bank, long contentId,
        string distance, BankContent? content, SignalType signal, LookupOptions options)
    {
        if (!byBank.TryGetValue(bank.Name, out var list))
            byBank[bank.Name] = list = [];
        var item = new Dictionary<string, object?> { ["bank_content_id"] = contentId, ["distance"] = distance };
        options.ActionMatches?.Add(new Vigil.Review.Actions.ActionMatch(bank.Name, contentId,
            int.TryParse(distance, NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d : 0, bank.Labels, content?.Classification));
        if (options.WithMetadata)
        {
            // Vigil's opt-in addition (HMA issue 1681): what the bank knows about each match.
            item["label"] = content?.Classification;
            item["source"] = content?.Source;
            item["source_id"] = content?.SourceId;
            item["note"] = content?.Note;
            item["signal"] = signal.Name;
        }
        list.Add(item);
        return item;
    }

    /// <summary>
    /// Ends a lookup: its outcome (how many banks matched, over all the signal types looked up) is
    /// left for the audit entry, and each signal type looked up and its matches by bank are counted
    /// (<see cref="VigilMetrics"/>).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="parts">Each signal type looked up and its answer by bank.</param>
    public static void Done(HttpContext context, params (SignalType Type, ByBank Matches)[] parts)
    {
        var banks = new HashSet<string>(StringComparer.Ordinal);
        var metrics = context.RequestServices.GetService<VigilMetrics>();
        foreach (var (type, matches) in parts)
        {
            banks.UnionWith(matches.Keys);
            metrics?.Lookup(type, matches.Select(bank => KeyValuePair.Create(bank.Key, bank.Value.Count)));
        }
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, int> { ["banks_matched"] = banks.Count };
    }
}
