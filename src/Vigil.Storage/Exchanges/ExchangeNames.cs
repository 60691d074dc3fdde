namespace Vigil.Storage;

/// <summary>The names an exchange's last-fetch status and a feedback row's opinion and status are stored and shown by (the store, the CLI, the HTTP API).</summary>
public static class ExchangeNames
{
    /// <summary><c>never</c>, <c>ok</c>, <c>error</c> or <c>auth_failed</c>.</summary>
    public static string Name(ExchangeRunStatus status) => status switch
    {
        ExchangeRunStatus.Never => "never",
        ExchangeRunStatus.Ok => "ok",
        ExchangeRunStatus.Error => "error",
        ExchangeRunStatus.AuthFailed => "auth_failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Reads a last-fetch status's name (exactly as <see cref="Name(ExchangeRunStatus)"/> writes it).</summary>
    public static bool TryParseRunStatus(string? text, out ExchangeRunStatus status) =>
        NameTable.TryParse(text, [ExchangeRunStatus.Never, ExchangeRunStatus.Ok, ExchangeRunStatus.Error, ExchangeRunStatus.AuthFailed], Name, out status);

    /// <summary><c>pending</c>, <c>sent</c> or <c>dead</c>.</summary>
    public static string Name(ExchangeFeedbackStatus status) => status switch
    {
        ExchangeFeedbackStatus.Pending => "pending",
        ExchangeFeedbackStatus.Sent => "sent",
        ExchangeFeedbackStatus.Dead => "dead",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Reads a feedback status's name (exactly as <see cref="Name(ExchangeFeedbackStatus)"/> writes it).</summary>
    public static bool TryParseFeedbackStatus(string? text, out ExchangeFeedbackStatus status) =>
        NameTable.TryParse(text, [ExchangeFeedbackStatus.Pending, ExchangeFeedbackStatus.Sent, ExchangeFeedbackStatus.Dead], Name, out status);

    /// <summary><c>confirmed</c>, <c>false_positive</c> or <c>share</c>.</summary>
    public static string Name(ExchangeFeedbackOpinion opinion) => opinion switch
    {
        ExchangeFeedbackOpinion.Confirmed => "confirmed",
        ExchangeFeedbackOpinion.FalsePositive => "false_positive",
        ExchangeFeedbackOpinion.Share => "share",
        _ => throw new ArgumentOutOfRangeException(nameof(opinion)),
    };

    /// <summary>Reads an opinion's name (exactly as <see cref="Name(ExchangeFeedbackOpinion)"/> writes it).</summary>
    public static bool TryParseOpinion(string? text, out ExchangeFeedbackOpinion opinion) =>
        NameTable.TryParse(text, [ExchangeFeedbackOpinion.Confirmed, ExchangeFeedbackOpinion.FalsePositive, ExchangeFeedbackOpinion.Share], Name, out opinion);
}
