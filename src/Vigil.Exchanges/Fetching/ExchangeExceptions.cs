namespace Vigil.Exchanges.Fetching;

/// <summary>A fetch from an exchange failed.</summary>
public abstract class ExchangeException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may succeed.</summary>
    public abstract bool IsTransient { get; }
}

/// <summary>The exchange refused the credentials (HTTP 401 or 403): this exchange stops until an operator fixes them.</summary>
public sealed class ExchangeAuthException(string message) : ExchangeException(message)
{
    /// <inheritdoc/>
    public override bool IsTransient => false;
}

/// <summary>The exchange did not answer usefully (network error, timeout, HTTP 5xx or 429) through every retry.</summary>
public sealed class ExchangeUnavailableException(string message, Exception? inner = null) : ExchangeException(message, inner)
{
    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>The exchange answered something the client cannot read (a shape it does not know, a broken page link).</summary>
public sealed class ExchangeProtocolException(string message, Exception? inner = null) : ExchangeException(message, inner)
{
    /// <inheritdoc/>
    public override bool IsTransient => false;
}
