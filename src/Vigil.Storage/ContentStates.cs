namespace Vigil.Storage;

/// <summary>Which bank a content item is in (for matchers that keep it in memory).</summary>
/// <param name="ContentId">The content id.</param>
/// <param name="BankId">The id of its bank.</param>
public readonly record struct ContentBank(long ContentId, long BankId);

/// <summary>A content item that is disabled for matching until a time.</summary>
/// <param name="ContentId">The content id.</param>
/// <param name="Until">When it matches again.</param>
public readonly record struct DisabledContent(long ContentId, DateTimeOffset Until);
