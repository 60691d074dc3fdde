using Vigil.Storage;

namespace Vigil.Exchanges.Sync;

/// <summary>What one fetch did.</summary>
/// <param name="Exchange">The exchange.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Counts">What it did to the bank.</param>
/// <param name="Checkpoint">The checkpoint it left (null: none yet).</param>
/// <param name="Complete">True when the exchange had nothing newer (false: cut by the run's time cap; the next run goes on).</param>
/// <param name="Error">What went wrong, or null.</param>
public sealed record FetchResult(string Exchange, ExchangeRunStatus Status, ExchangeCounts Counts, string? Checkpoint, bool Complete, string? Error);
