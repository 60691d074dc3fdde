using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>
/// How one endpoint words the problems <see cref="JsonBody"/> finds, where HMA has words of its own
/// (<c>"No such signal type pdqq"</c>); anything left null gets the default wording.
/// </summary>
internal sealed record JsonBodyProblems
{
    /// <summary>The default wording.</summary>
    public static readonly JsonBodyProblems Default = new();

    /// <summary>The problem for a key the body may not have (given its path, e.g. <c>pdqq</c> or <c>metadata.x</c>).</summary>
    public Func<string, IResult>? UnknownField { get; init; }

    /// <summary>The problem for a value of the wrong type (given its path, e.g. <c>enabled</c> or <c>pdq[0]</c>).</summary>
    public Func<string, IResult>? InvalidField { get; init; }

    /// <summary>The title when the body is not JSON at all (bad syntax, not UTF-8, a lone surrogate).</summary>
    public string NotJsonTitle { get; init; } = "invalid JSON";

    /// <summary>The title when the body is JSON but not an object.</summary>
    public string NotObjectTitle { get; init; } = "Request input was not a dict";

    /// <summary>The detail when the body is JSON but not an object.</summary>
    public string NotObjectDetail { get; init; } = "the body must be a JSON object";
}
