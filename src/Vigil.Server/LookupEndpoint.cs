using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Vigil.Banks;
using Vigil.Storage;

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
    public static LookupOptions From(string? banks, string? seed, string? bypassCoinflip, string? include) => new(
        banks?.Split(',').ToHashSet(StringComparer.Ordinal),
        CoinFlip(seed, bypassCoinflip),
        include?.Split(',').Contains("metadata", StringComparer.OrdinalIgnoreCase) ?? false);

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
    /// <summary>Groups a query's matches by bank after the coin flip and the bank filter.</summary>
    public static SortedDictionary<string, List<Dictionary<string, object?>>> Group(QueryOutcome outcome, LookupOptions options)
    {
        var byBank = new SortedDictionary<string, List<Dictionary<string, object?>>>(StringComparer.Ordinal);
        foreach (var match in outcome.Matches)
        {
            if (match.Bank.EnabledRatio < options.Flip || (options.Banks is not null && !options.Banks.Contains(match.Bank.Name)))
                continue;
            if (!byBank.TryGetValue(match.Bank.Name, out var list))
                byBank[match.Bank.Name] = list = [];
            // HMA sends the distance as a string.
            var item = new Dictionary<string, object?> { ["bank_content_id"] = match.ContentId, ["distance"] = match.Distance.ToString(CultureInfo.InvariantCulture) };
            if (options.WithMetadata)
            {
                // Vigil's opt-in addition (HMA issue 1681): what the bank knows about each match.
                item["label"] = match.Content?.Classification;
                item["source"] = match.Content?.Source;
                item["source_id"] = match.Content?.SourceId;
                item["note"] = match.Content?.Note;
                item["signal"] = match.Signal.Name;
            }
            list.Add(item);
        }
        return byBank;
    }

    /// <summary>Leaves the lookup's outcome (how many banks matched) for the audit entry.</summary>
    public static void Audit(HttpContext context, int banksMatched) =>
        context.Items[AuditTrail.OutcomeItem] = new Dictionary<string, int> { ["banks_matched"] = banksMatched };
}
