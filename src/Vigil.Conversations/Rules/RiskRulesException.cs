namespace Vigil.Conversations;

/// <summary>A rule file that cannot be used: unreadable, not JSON, or a field missing or out of range; the message names the field (and the rule id for a rule's error).</summary>
public sealed class RiskRulesException : Exception
{
    /// <summary>A rule file error with its message.</summary>
    public RiskRulesException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
