namespace Vigil.Exchanges;

/// <summary>A problem found in a hash-list file; the reader goes on with the next entry unless the file's structure is broken.</summary>
/// <param name="Line">1-based line where the problem is (where the faulty entry starts).</param>
/// <param name="Message">What is wrong, starting with the line: <c>line 17: pdq value must be 64 hex digits, got 63 characters</c>.</param>
public sealed record HashListError(int Line, string Message)
{
    /// <summary>Builds an error whose message is <c>line N: </c> followed by <paramref name="reason"/>.</summary>
    public static HashListError At(int line, string reason) => new(line, $"line {line}: {reason}");

    /// <inheritdoc/>
    public override string ToString() => Message;
}
